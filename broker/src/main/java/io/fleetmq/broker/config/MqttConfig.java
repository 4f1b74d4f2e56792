package io.fleetmq.broker.config;

import java.time.Duration;

/**
 * Protocol limits and capabilities ({@code mqtt.*}); the v5 ones are announced to clients in CONNACK.
 *
 * @param maxPacketSize        largest packet accepted, in bytes (whole packet); larger ones are rejected before the
 *                             body is buffered [MQTT-3.1.2-24]
 * @param receiveMaximum       how many unacknowledged QoS 1/2 PUBLISHes a client may send us at once (v5)
 * @param topicAliasMaximum    aliases a client may use towards the broker (v5); 0 disables inbound aliases
 * @param maxKeepAlive         keep alive the broker accepts, seconds; larger (or 0) requests are lowered through
 *                             Server Keep Alive (v5)
 * @param maxQos               highest QoS granted to subscriptions
 * @param retainAvailable      whether retained messages are stored
 * @param wildcardSubscriptionAvailable   whether '+' and '#' may appear in filters
 * @param sharedSubscriptionAvailable     whether $share/... filters are accepted
 * @param subscriptionIdentifiersAvailable whether v5 subscription identifiers are accepted
 * @param maxClientIdLength    longest client identifier accepted
 * @param connectTimeout       time a new connection has to send CONNECT
 */
public record MqttConfig(
        int maxPacketSize,
        int receiveMaximum,
        int topicAliasMaximum,
        int maxKeepAlive,
        int maxQos,
        boolean retainAvailable,
        boolean wildcardSubscriptionAvailable,
        boolean sharedSubscriptionAvailable,
        boolean subscriptionIdentifiersAvailable,
        int maxClientIdLength,
        Duration connectTimeout) {

    /** The largest packet MQTT can express: 4-byte remaining length + 1 + 4 header bytes. */
    public static final int PROTOCOL_MAX_PACKET_SIZE = 268_435_455 + 5;

    public static MqttConfig defaults() {
        return new MqttConfig(1024 * 1024, 1024, 64, 65_535, 2, true, true, true, true, 256,
                Duration.ofSeconds(10));
    }
}
