package io.fleetmq.broker.auth;

import java.util.Set;

/**
 * A verified client certificate (mTLS) is the client's identity: the certificate's name becomes the username, and
 * with {@code auth.certificateMustMatchClientId} the client id has to be that same name. Only asked when the
 * listener verified a certificate and {@code auth.certificateIdentity} is not {@code none}.
 */
public final class CertificateAuthenticator implements Authenticator {
    private final boolean mustMatchClientId;
    private final Set<String> admins;

    public CertificateAuthenticator(boolean mustMatchClientId, Set<String> admins) {
        this.mustMatchClientId = mustMatchClientId;
        this.admins = admins;
    }

    @Override
    public AuthResult authenticate(Credentials c) {
        String identity = c.certificateIdentity();
        if (identity == null) {
            return AuthResult.NOT_MINE;
        }
        if (mustMatchClientId && !identity.equals(c.clientId())) {
            return new AuthResult.Refused(AuthResult.Refusal.NOT_AUTHORIZED,
                    "client id differs from certificate identity '" + identity + "'");
        }
        return new AuthResult.Allowed(new Principal(identity, c.clientId(), identity, admins.contains(identity),
                null, c.remoteAddress()));
    }
}
