package io.fleetmq.bench.client;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * What one client connects with.
 *
 * @param remote        broker address
 * @param local         source address to bind (port 0), or null to let the OS choose
 * @param clientId      MQTT client identifier
 * @param version       3 (MQTT 3.1), 4 (3.1.1) or 5
 * @param keepAliveSecs keep alive sent in CONNECT; a PINGREQ goes out every that many seconds (0: none)
 * @param cleanStart    clean session (v3) / clean start (v5)
 * @param sessionExpirySecs v5 Session Expiry Interval; ignored for v3
 * @param username      or null
 * @param password      or null
 */
public record ClientSettings(InetSocketAddress remote, InetSocketAddress local, String clientId, int version,
                             int keepAliveSecs, boolean cleanStart, long sessionExpirySecs, String username,
                             String password) {
    public ClientSettings {
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(clientId, "clientId");
        if (version < 3 || version > 5) {
            throw new IllegalArgumentException("MQTT version must be 3, 4 or 5: " + version);
        }
    }
}
