package io.fleetmq.broker.session;

import io.fleetmq.broker.message.PublishMessage;

import java.util.List;

/**
 * A message on its way to one session: the application message plus what the matching subscriptions decided for
 * this subscriber.
 *
 * @param message         the application message, with the QoS and RETAIN flag this subscriber gets
 * @param subscriptionIds v5 identifiers of every matching subscription [MQTT-3.3.4-3]
 * @param sharedGroupKey  the {@code group/filter} of the shared subscription it came through, or null; such
 *                        messages move to another member if this one goes away unacknowledged
 */
public record OutboundMessage(PublishMessage message, List<Integer> subscriptionIds, String sharedGroupKey) {
    public OutboundMessage {
        subscriptionIds = subscriptionIds == null ? List.of() : List.copyOf(subscriptionIds);
    }

    public int qos() {
        return message.qos();
    }
}
