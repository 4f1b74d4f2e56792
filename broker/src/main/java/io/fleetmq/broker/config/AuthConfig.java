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
 */
public record AuthConfig(boolean allowAnonymous, String passwordFile, String jwksFile, List<String> jwtAudience,
                         String jwtPermissionsClaim, CertificateIdentity certificateIdentity,
                         boolean certificateMustMatchClientId, String aclFile, List<String> adminUsers,
                         Duration reloadInterval, int failedLoginsPerMinute) {

    /** Which name in a client certificate identifies the client. */
    public enum CertificateIdentity { NONE, CN, SAN }

    public AuthConfig {
        jwtAudience = List.copyOf(jwtAudience);
        adminUsers = List.copyOf(adminUsers);
    }

    /** Only the anonymous switch; nothing else configured. */
    public AuthConfig(boolean allowAnonymous) {
        this(allowAnonymous, "", "", List.of(), "fleetmq", CertificateIdentity.NONE, false, "", List.of(),
                Duration.ofSeconds(5), 10);
    }

    public static AuthConfig defaults() {
        return new AuthConfig(true);
    }

    public AuthConfig withPasswordFile(String path) {
        return new AuthConfig(allowAnonymous, path, jwksFile, jwtAudience, jwtPermissionsClaim, certificateIdentity,
                certificateMustMatchClientId, aclFile, adminUsers, reloadInterval, failedLoginsPerMinute);
    }

    public AuthConfig withAclFile(String path, List<String> admins) {
        return new AuthConfig(allowAnonymous, passwordFile, jwksFile, jwtAudience, jwtPermissionsClaim,
                certificateIdentity, certificateMustMatchClientId, path, admins, reloadInterval,
                failedLoginsPerMinute);
    }

    public AuthConfig withJwt(String jwks, List<String> audience) {
        return new AuthConfig(allowAnonymous, passwordFile, jwks, audience, jwtPermissionsClaim, certificateIdentity,
                certificateMustMatchClientId, aclFile, adminUsers, reloadInterval, failedLoginsPerMinute);
    }

    public AuthConfig withCertificateIdentity(CertificateIdentity identity, boolean mustMatchClientId) {
        return new AuthConfig(allowAnonymous, passwordFile, jwksFile, jwtAudience, jwtPermissionsClaim, identity,
                mustMatchClientId, aclFile, adminUsers, reloadInterval, failedLoginsPerMinute);
    }

    public AuthConfig withReloadInterval(Duration d) {
        return new AuthConfig(allowAnonymous, passwordFile, jwksFile, jwtAudience, jwtPermissionsClaim,
                certificateIdentity, certificateMustMatchClientId, aclFile, adminUsers, d, failedLoginsPerMinute);
    }

    public AuthConfig withFailedLoginsPerMinute(int n) {
        return new AuthConfig(allowAnonymous, passwordFile, jwksFile, jwtAudience, jwtPermissionsClaim,
                certificateIdentity, certificateMustMatchClientId, aclFile, adminUsers, reloadInterval, n);
    }
}
