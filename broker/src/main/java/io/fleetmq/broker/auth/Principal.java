package io.fleetmq.broker.auth;

/**
 * Who a connection is, once authenticated: what ACL rules and {@code %u}/{@code %c} substitutions see, and who owns
 * the sessions it creates.
 *
 * @param username      the authenticated user (certificate identity, password file user or JWT subject); null when
 *                      anonymous
 * @param clientId      the client identifier
 * @param certificate   the verified certificate identity, or null
 * @param admin         may read {@code $SYS}
 * @param tokenRules    permissions carried by a JWT; when present they replace the ACL file for this connection
 * @param address       the client's IP address (from the PROXY header when there was one), for {@code addr} rules
 * @param clientIdBound the client id is tied to the identity (by {@code auth.clientIdBinding} username or
 *                      certificate, by {@code auth.certificateMustMatchClientId}, or because it equals the username);
 *                      only then does {@code %c} in a pattern resolve, since otherwise a client picks its own {@code %c}
 */
public record Principal(String username, String clientId, String certificate, boolean admin, AclRules tokenRules,
                        String address, boolean clientIdBound) {

    /** A principal whose client id is bound only when it equals the username. */
    public Principal(String username, String clientId, String certificate, boolean admin, AclRules tokenRules,
                     String address) {
        this(username, clientId, certificate, admin, tokenRules, address,
                username != null && username.equals(clientId));
    }

    public static Principal anonymous(String clientId, String address) {
        return new Principal(null, clientId, null, false, null, address, false);
    }

    /** The same identity using {@code id} as its client id, bound to the identity. */
    public Principal withBoundClientId(String id) {
        return new Principal(username, id, certificate, admin, tokenRules, address, true);
    }

    /**
     * The name sessions are owned by: the username, or {@code ""} for anonymous clients (who share one identity, so
     * any anonymous client may resume an anonymous session, and none may resume a named principal's).
     */
    public String owner() {
        return username == null ? "" : username;
    }
}
