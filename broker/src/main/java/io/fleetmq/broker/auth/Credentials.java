package io.fleetmq.broker.auth;

/**
 * What a client presented in CONNECT and on the wire: the input of the authentication chain.
 *
 * @param clientId            the client identifier (possibly assigned by the broker)
 * @param username            CONNECT username, or null
 * @param password            CONNECT password, or null; never logged
 * @param certificateIdentity the name taken from a verified client certificate, or null when none was presented
 *                            or {@code auth.certificateIdentity} is {@code none}
 * @param remoteAddress       the client's address (from the PROXY header when there was one), without port
 */
public record Credentials(String clientId, String username, byte[] password, String certificateIdentity,
                          String remoteAddress) {
}
