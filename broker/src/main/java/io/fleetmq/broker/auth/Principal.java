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
 * @param address     the client's IP address (from the PROXY header when there was one), for {@code addr} rules
 */
public record Principal(String username, String clientId, String certificate, boolean admin, AclRules tokenRules,
                        String address) {

    public static Principal anonymous(String clientId, String address) {
        return new Principal(null, clientId, null, false, null, address);
    }
}
