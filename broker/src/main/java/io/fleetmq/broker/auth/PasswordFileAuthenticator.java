package io.fleetmq.broker.auth;

import io.fleetmq.broker.files.WatchedFile;

import java.util.Set;

/**
 * Checks a username and password against the password file. Decisive only for users the file knows: an unknown
 * user is left to the next link (a JWT, or anonymous access) — but only after its password has been hashed against
 * the file's {@link PasswordFile#decoy() decoy}, so "unknown user" takes as long as "wrong password" and the answer
 * time does not reveal which user names exist.
 * <p>
 * When a JWT link follows ({@code tokensGoToJwt}), a password shaped like a JWT is not this link's business at all,
 * for any user: it is left to the JWT link unhashed. That keeps token logins off the password-hashing pool, and keeps
 * known and unknown user names equally fast for token-shaped passwords too.
 */
public final class PasswordFileAuthenticator implements Authenticator {
    private final WatchedFile<PasswordFile> file;
    private final Set<String> admins;
    private final boolean tokensGoToJwt;

    public PasswordFileAuthenticator(WatchedFile<PasswordFile> file, Set<String> admins, boolean tokensGoToJwt) {
        this.file = file;
        this.admins = admins;
        this.tokensGoToJwt = tokensGoToJwt;
    }

    @Override
    public AuthResult authenticate(Credentials c) {
        if (c.username() == null || (tokensGoToJwt && JwtAuthenticator.looksLikeToken(c.password()))) {
            return AuthResult.NOT_MINE;
        }
        PasswordFile current = file.current();
        PasswordHash hash = current.hashOf(c.username());
        if (hash == null) {
            if (c.password() != null) {
                current.decoy().matches(c.password()); // the same work as a wrong password; the answer is unused
            }
            return AuthResult.NOT_MINE;
        }
        if (c.password() == null || !hash.matches(c.password())) {
            return new AuthResult.Refused(AuthResult.Refusal.BAD_CREDENTIALS,
                    "wrong password for user '" + c.username() + "'");
        }
        return new AuthResult.Allowed(new Principal(c.username(), c.clientId(), c.certificateIdentity(),
                admins.contains(c.username()), null, c.remoteAddress()));
    }
}
