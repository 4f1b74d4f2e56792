package io.fleetmq.broker.config;

import java.time.Duration;

/**
 * Overload protection ({@code limits.*}); 0 switches a bound off. Inflight, queue and packet-size bounds live with
 * their subsystems ({@code sessions.*}, {@code mqtt.maxPacketSize}).
 *
 * @param maxConnections               open connections on this node, all listeners together
 * @param connectionRate               new connections accepted per second on this node
 * @param publishRate                  PUBLISH packets accepted per second from one client
 * @param maxSubscriptionsPerClient    subscriptions one session may hold
 * @param maxTopicLength               longest topic name or filter, in UTF-8 bytes
 * @param maxTopicLevels               most '/'-separated levels in a topic name or filter
 * @param maxOutboundBytesPerClient    bytes waiting to be written to one client before QoS 0 is dropped, QoS 1/2
 *                                     waits in the session queue and the client's socket is no longer read
 * @param slowConsumerTimeout          how long a client's socket may stay full (unwritable) before it is
 *                                     disconnected; zero: never
 * @param maxRetainedMessages          retained messages on this node
 * @param maxRetainedBytes             payload and topic bytes of all retained messages on this node
 * @param maxRetainedMessagesPerClient retained messages stored from one publishing client id
 * @param maxRetainedBytesPerClient    payload and topic bytes of the retained messages from one client id
 * @param maxOfflineSessionsPerPrincipal persistent sessions one principal may keep while disconnected; beyond, its
 *                                     oldest offline session ends (so a principal inventing client ids cannot fill
 *                                     memory)
 */
public record LimitsConfig(int maxConnections, int connectionRate, int publishRate, int maxSubscriptionsPerClient,
                           int maxTopicLength, int maxTopicLevels, int maxOutboundBytesPerClient,
                           Duration slowConsumerTimeout, int maxRetainedMessages, long maxRetainedBytes,
                           int maxRetainedMessagesPerClient, long maxRetainedBytesPerClient,
                           int maxOfflineSessionsPerPrincipal) {

    public static final int DEFAULT_MAX_OUTBOUND_BYTES_PER_CLIENT = 2 * 1024 * 1024;
    public static final Duration DEFAULT_SLOW_CONSUMER_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_RETAINED_MESSAGES = 1_000_000;
    public static final long DEFAULT_MAX_RETAINED_BYTES = 1024L * 1024 * 1024;
    public static final int DEFAULT_MAX_RETAINED_MESSAGES_PER_CLIENT = 10_000;
    public static final long DEFAULT_MAX_RETAINED_BYTES_PER_CLIENT = 64L * 1024 * 1024;
    public static final int DEFAULT_MAX_OFFLINE_SESSIONS_PER_PRINCIPAL = 100;

    /** The connection, subscription and topic bounds; the outbound, retained and offline-session bounds keep their
     * defaults. */
    public LimitsConfig(int maxConnections, int connectionRate, int publishRate, int maxSubscriptionsPerClient,
                        int maxTopicLength, int maxTopicLevels) {
        this(maxConnections, connectionRate, publishRate, maxSubscriptionsPerClient, maxTopicLength, maxTopicLevels,
                DEFAULT_MAX_OUTBOUND_BYTES_PER_CLIENT, DEFAULT_SLOW_CONSUMER_TIMEOUT, DEFAULT_MAX_RETAINED_MESSAGES,
                DEFAULT_MAX_RETAINED_BYTES, DEFAULT_MAX_RETAINED_MESSAGES_PER_CLIENT,
                DEFAULT_MAX_RETAINED_BYTES_PER_CLIENT, DEFAULT_MAX_OFFLINE_SESSIONS_PER_PRINCIPAL);
    }

    public static LimitsConfig defaults() {
        return new LimitsConfig(0, 0, 0, 10_000, 65_535, 128);
    }

    public LimitsConfig withOutbound(int maxBytesPerClient, Duration slowConsumer) {
        return new LimitsConfig(maxConnections, connectionRate, publishRate, maxSubscriptionsPerClient, maxTopicLength,
                maxTopicLevels, maxBytesPerClient, slowConsumer, maxRetainedMessages, maxRetainedBytes,
                maxRetainedMessagesPerClient, maxRetainedBytesPerClient, maxOfflineSessionsPerPrincipal);
    }

    public LimitsConfig withRetained(int messages, long bytes, int messagesPerClient, long bytesPerClient) {
        return new LimitsConfig(maxConnections, connectionRate, publishRate, maxSubscriptionsPerClient, maxTopicLength,
                maxTopicLevels, maxOutboundBytesPerClient, slowConsumerTimeout, messages, bytes, messagesPerClient,
                bytesPerClient, maxOfflineSessionsPerPrincipal);
    }

    public LimitsConfig withSubscriptionsAndLevels(int subscriptionsPerClient, int topicLevels) {
        return new LimitsConfig(maxConnections, connectionRate, publishRate, subscriptionsPerClient, maxTopicLength,
                topicLevels, maxOutboundBytesPerClient, slowConsumerTimeout, maxRetainedMessages, maxRetainedBytes,
                maxRetainedMessagesPerClient, maxRetainedBytesPerClient, maxOfflineSessionsPerPrincipal);
    }

    public LimitsConfig withMaxOfflineSessionsPerPrincipal(int bound) {
        return new LimitsConfig(maxConnections, connectionRate, publishRate, maxSubscriptionsPerClient, maxTopicLength,
                maxTopicLevels, maxOutboundBytesPerClient, slowConsumerTimeout, maxRetainedMessages, maxRetainedBytes,
                maxRetainedMessagesPerClient, maxRetainedBytesPerClient, bound);
    }
}
