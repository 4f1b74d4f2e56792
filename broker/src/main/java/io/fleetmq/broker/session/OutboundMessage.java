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
 * @param filters         the filters of the subscriptions it matched ({@code $share/group/} removed), so the read
 *                        check can settle it per filter; empty when not known (then it is checked per topic)
 */
public record OutboundMessage(PublishMessage message, List<Integer> subscriptionIds, String sharedGroupKey,
                              List<String> filters) {
    public OutboundMessage {
        subscriptionIds = subscriptionIds == null ? List.of() : List.copyOf(subscriptionIds);
        filters = filters == null ? List.of() : List.copyOf(filters);
    }

    /** A message whose matching filters are not known. */
    public OutboundMessage(PublishMessage message, List<Integer> subscriptionIds, String sharedGroupKey) {
        this(message, subscriptionIds, sharedGroupKey, List.of());
    }

    public int qos() {
        return message.qos();
    }
}
