package io.fleetmq.broker.auth;

/**
 * Who a connection is, once authenticated: what ACL rules and {@code %u}/{@code %c} substitutions see.
 *
 * @param username    the authenticated user (certificate identity, password file user or JWT subject); null when
 *                    anonymous
 * @param clientId    the client identifier
 * @param certificate the verified certificate identity, or null
 * @param admin       may read {@code $SYS}
 * @param tokenRules  permissions carried by a JWT; when present they replace the ACL file for this connection
 */
public record Principal(String username, String clientId, String certificate, boolean admin, AclRules tokenRules) {

    public static Principal anonymous(String clientId) {
        return new Principal(null, clientId, null, false, null);
    }
}
