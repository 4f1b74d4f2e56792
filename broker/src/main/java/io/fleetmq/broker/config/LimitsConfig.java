package io.fleetmq.broker.config;

/**
 * Overload protection ({@code limits.*}); 0 switches a bound off. Inflight, queue and packet-size bounds live with
 * their subsystems ({@code sessions.*}, {@code mqtt.maxPacketSize}).
 *
 * @param maxConnections            open connections on this node, all listeners together
 * @param connectionRate            new connections accepted per second on this node
 * @param publishRate               PUBLISH packets accepted per second from one client
 * @param maxSubscriptionsPerClient subscriptions one session may hold
 * @param maxTopicLength            longest topic name or filter, in UTF-8 bytes
 * @param maxTopicLevels            most '/'-separated levels in a topic name or filter
 * @param maxOfflineSessionsPerPrincipal persistent sessions one principal may keep while disconnected; beyond, its
 *                                  oldest offline session ends (so a principal inventing client ids cannot fill memory)
 */
public record LimitsConfig(int maxConnections, int connectionRate, int publishRate, int maxSubscriptionsPerClient,
                           int maxTopicLength, int maxTopicLevels, int maxOfflineSessionsPerPrincipal) {

    public static final int DEFAULT_MAX_OFFLINE_SESSIONS_PER_PRINCIPAL = 100;

    /** Every bound but the offline-sessions one, which keeps its default. */
    public LimitsConfig(int maxConnections, int connectionRate, int publishRate, int maxSubscriptionsPerClient,
                        int maxTopicLength, int maxTopicLevels) {
        this(maxConnections, connectionRate, publishRate, maxSubscriptionsPerClient, maxTopicLength, maxTopicLevels,
                DEFAULT_MAX_OFFLINE_SESSIONS_PER_PRINCIPAL);
    }

    public static LimitsConfig defaults() {
        return new LimitsConfig(0, 0, 0, 0, 65_535, 0);
    }
}
