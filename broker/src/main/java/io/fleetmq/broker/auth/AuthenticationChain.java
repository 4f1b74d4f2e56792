package io.fleetmq.broker.auth;

import java.util.List;

/**
 * The links in order (certificate, password file, JWT); the first decisive answer wins. When none decides, the
 * client is let in as anonymous (no username for the ACL) only if anonymous access is on; otherwise credentials
 * nobody recognised are refused as bad credentials and a client without any as not authorized.
 */
public final class AuthenticationChain {
    private final List<Authenticator> links;
    private final boolean allowAnonymous;

    public AuthenticationChain(List<Authenticator> links, boolean allowAnonymous) {
        this.links = List.copyOf(links);
        this.allowAnonymous = allowAnonymous;
    }

    public AuthResult authenticate(Credentials c) {
        for (Authenticator a : links) {
            AuthResult r = a.authenticate(c);
            if (!(r instanceof AuthResult.NotMine)) {
                return r;
            }
        }
        if (allowAnonymous) {
            return new AuthResult.Allowed(Principal.anonymous(c.clientId(), c.remoteAddress()));
        }
        if (c.username() != null || c.password() != null) {
            // Credentials nobody recognised: an unknown user is answered like a wrong password, so user names
            // cannot be probed.
            return new AuthResult.Refused(AuthResult.Refusal.BAD_CREDENTIALS,
                    "unknown user " + (c.username() == null ? "(none)" : "'" + c.username() + "'"));
        }
        return new AuthResult.Refused(AuthResult.Refusal.NOT_AUTHORIZED, "no credentials (anonymous access disabled)");
    }
}
