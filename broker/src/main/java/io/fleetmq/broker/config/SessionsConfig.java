package io.fleetmq.broker.config;

/**
 * Session state limits ({@code sessions.*}).
 *
 * @param maxExpiryInterval   upper bound for a session's expiry, seconds; also applies to v3 clients that connect
 *                            with clean session = false (which the protocol lets live forever)
 * @param maxInflightMessages outbound QoS 1/2 messages awaiting acknowledgement per session; further messages wait
 *                            in the queue. The client's own receive maximum (v5) lowers it further
 * @param maxQueuedMessages   messages waiting per session (offline, or beyond the inflight window); when full the
 *                            newest message is dropped, counted and logged once per client
 * @param queueQos0WhenOffline whether QoS 0 messages are queued for offline persistent sessions
 */
public record SessionsConfig(long maxExpiryInterval, int maxInflightMessages, int maxQueuedMessages,
                             boolean queueQos0WhenOffline) {
    public static SessionsConfig defaults() {
        return new SessionsConfig(7L * 24 * 3600, 32, 1000, false);
    }
}
