package io.fleetmq.broker.auth;

/**
 * One link of the authentication chain. Answers {@link AuthResult#NOT_MINE} for credentials it does not handle, so
 * the next link is asked; the first decisive answer wins.
 */
public interface Authenticator {
    AuthResult authenticate(Credentials credentials);
}
