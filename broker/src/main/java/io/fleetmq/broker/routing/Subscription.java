package io.fleetmq.broker.routing;

/**
 * One client's subscription as the routing layer stores it.
 *
 * @param topicFilter       the filter exactly as subscribed, including any {@code $share/group/} prefix
 * @param qos               the maximum QoS granted
 * @param noLocal           v5: never deliver this client's own messages [MQTT-3.8.3-3]
 * @param retainAsPublished v5: keep the RETAIN flag as published instead of clearing it [MQTT-3.3.1-12]
 * @param retainHandling    v5: 0 send retained on subscribe, 1 only if the subscription is new, 2 never
 * @param subscriptionId    v5 subscription identifier, 0 when none [MQTT-3.3.4-3]
 */
public record Subscription(String topicFilter, int qos, boolean noLocal, boolean retainAsPublished,
                           int retainHandling, int subscriptionId) {

    public static Subscription of(String topicFilter, int qos) {
        return new Subscription(topicFilter, qos, false, false, 0, 0);
    }
}
