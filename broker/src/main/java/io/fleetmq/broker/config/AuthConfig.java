package io.fleetmq.broker.config;

import java.time.Duration;
import java.util.List;

/**
 * Authentication and authorization ({@code auth.*}). Every file is optional; an empty path means that part of the
 * chain is not used. Files are checked for changes every {@code reloadInterval}.
 *
 * @param allowAnonymous               clients without credentials may connect (true only in the no-config
 *                                     development default unless the configuration says so)
 * @param passwordFile                 {@code user:pbkdf2-sha256:iterations:salt:hash} lines, made with
 *                                     {@code fleetmq passwd}
 * @param jwksFile                     JSON Web Key Set whose keys verify JWT passwords (RS256, ES256)
 * @param jwtAudience                  accepted {@code aud} values; empty means the claim is not checked
 * @param jwtPermissionsClaim          claim holding the token's topic permissions
 * @param certificateIdentity          what part of a verified client certificate becomes the username
 * @param certificateMustMatchClientId refuse a certificate whose identity differs from the client id
 * @param aclFile                      allow/deny rules; without it every authenticated client may use every topic
 * @param adminUsers                   usernames that may read {@code $SYS} when an ACL file is used
 * @param failedLoginsPerMinute        failed logins allowed per source address per minute before further CONNECTs
 *                                     from it are refused unread
 * @param clientIdBinding              how a client id relates to the authenticated identity (see
 *                                     {@link ClientIdBinding})
 */
public record AuthConfig(boolean allowAnonymous, String passwordFile, String jwksFile, List<String> jwtAudience,
                         String jwtPermissionsClaim, CertificateIdentity certificateIdentity,
                         boolean certificateMustMatchClientId, String aclFile, List<String> adminUsers,
                         Duration reloadInterval, int failedLoginsPerMinute,
                         ClientIdBinding clientIdBinding) {

    /** Which name in a client certificate identifies the client. */
    public enum CertificateIdentity { NONE, CN, SAN }

    /**
     * How a client id relates to the identity that authenticated. Whatever the binding, a session belongs to the
     * principal that created it, and another principal presenting its client id is refused (v5 0x87 / v3 5).
     */
    public enum ClientIdBinding {
        /** The client id is the client's choice; the session is owned by the principal (the default). */
        PRINCIPAL,
        /** The client id becomes the username / JWT subject, whatever the client sent (Mosquitto's
         * use_username_as_clientid); a client without a username is refused. */
        USERNAME,
        /** The client id becomes the verified certificate identity (EMQX's peer_cert_as_clientid); a client
         * without one is refused. Needs {@code auth.certificateIdentity}. */
        CERTIFICATE,
        /** No ownership: any client may use any client id. Only without authentication (everyone anonymous). */
        NONE
    }

    public AuthConfig {
        jwtAudience = List.copyOf(jwtAudience);
        adminUsers = List.copyOf(adminUsers);
    }

    /** Only the anonymous switch; nothing else configured. */
    public AuthConfig(boolean allowAnonymous) {
        this(allowAnonymous, "", "", List.of(), "fleetmq", CertificateIdentity.NONE, false, "", List.of(),
                Duration.ofSeconds(5), 10, ClientIdBinding.PRINCIPAL);
    }

    public static AuthConfig defaults() {
        return new AuthConfig(true);
    }

    public AuthConfig withPasswordFile(String path) {
        return new AuthConfig(allowAnonymous, path, jwksFile, jwtAudience, jwtPermissionsClaim, certificateIdentity,
                certificateMustMatchClientId, aclFile, adminUsers, reloadInterval, failedLoginsPerMinute,
                clientIdBinding);
    }

    public AuthConfig withAclFile(String path, List<String> admins) {
        return new AuthConfig(allowAnonymous, passwordFile, jwksFile, jwtAudience, jwtPermissionsClaim,
                certificateIdentity, certificateMustMatchClientId, path, admins, reloadInterval,
                failedLoginsPerMinute, clientIdBinding);
    }

    public AuthConfig withJwt(String jwks, List<String> audience) {
        return new AuthConfig(allowAnonymous, passwordFile, jwks, audience, jwtPermissionsClaim, certificateIdentity,
                certificateMustMatchClientId, aclFile, adminUsers, reloadInterval, failedLoginsPerMinute,
                clientIdBinding);
    }

    public AuthConfig withCertificateIdentity(CertificateIdentity identity, boolean mustMatchClientId) {
        return new AuthConfig(allowAnonymous, passwordFile, jwksFile, jwtAudience, jwtPermissionsClaim, identity,
                mustMatchClientId, aclFile, adminUsers, reloadInterval, failedLoginsPerMinute,
                clientIdBinding);
    }

    public AuthConfig withReloadInterval(Duration d) {
        return new AuthConfig(allowAnonymous, passwordFile, jwksFile, jwtAudience, jwtPermissionsClaim,
                certificateIdentity, certificateMustMatchClientId, aclFile, adminUsers, d, failedLoginsPerMinute,
                clientIdBinding);
    }

    public AuthConfig withFailedLoginsPerMinute(int n) {
        return new AuthConfig(allowAnonymous, passwordFile, jwksFile, jwtAudience, jwtPermissionsClaim,
                certificateIdentity, certificateMustMatchClientId, aclFile, adminUsers, reloadInterval, n,
                clientIdBinding);
    }

    public AuthConfig withClientIdBinding(ClientIdBinding binding) {
        return new AuthConfig(allowAnonymous, passwordFile, jwksFile, jwtAudience, jwtPermissionsClaim,
                certificateIdentity, certificateMustMatchClientId, aclFile, adminUsers, reloadInterval,
                failedLoginsPerMinute, binding);
    }

    /** Whether any link of the authentication chain is configured (otherwise every client is anonymous). */
    public boolean authenticates() {
        return !passwordFile.isEmpty() || !jwksFile.isEmpty() || certificateIdentity != CertificateIdentity.NONE;
    }

    /** Why {@link #clientIdBinding} cannot work with the rest of this configuration, or null when it can. */
    public String clientIdBindingProblem() {
        if (clientIdBinding == ClientIdBinding.NONE && authenticates()) {
            return "none is only allowed without authentication (auth.passwordFile, auth.jwksFile and "
                    + "auth.certificateIdentity unset); with it a session belongs to its principal: use principal";
        }
        if (clientIdBinding == ClientIdBinding.CERTIFICATE && certificateIdentity == CertificateIdentity.NONE) {
            return "certificate needs auth.certificateIdentity cn or san";
        }
        if (clientIdBinding == ClientIdBinding.USERNAME && !authenticates()) {
            return "username needs authentication (auth.passwordFile, auth.jwksFile or auth.certificateIdentity)";
        }
        return null;
    }
}
