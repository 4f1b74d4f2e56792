package io.fleetmq.broker.auth;

import io.fleetmq.broker.files.WatchedFile;

import java.util.Set;

/**
 * Checks a username and password against the password file. Decisive only for users the file knows: an unknown
 * user is left to the next link (a JWT, or anonymous access).
 */
public final class PasswordFileAuthenticator implements Authenticator {
    private final WatchedFile<PasswordFile> file;
    private final Set<String> admins;

    public PasswordFileAuthenticator(WatchedFile<PasswordFile> file, Set<String> admins) {
        this.file = file;
        this.admins = admins;
    }

    @Override
    public AuthResult authenticate(Credentials c) {
        if (c.username() == null) {
            return AuthResult.NOT_MINE;
        }
        PasswordHash hash = file.current().hashOf(c.username());
        if (hash == null) {
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
