package io.fleetmq.broker.session;

import io.fleetmq.broker.message.PublishMessage;

import java.util.List;

/**
 * What the session layer asks of the layers above it (routing), without depending on them: publish a will, forget
 * an ended session's subscriptions, hand shared-subscription messages to another group member.
 */
public interface SessionEvents {

    void publishWill(PublishMessage will);

    void sessionEnded(String clientId);

    void redistributeShared(String fromClientId, List<OutboundMessage> messages);
}
