package io.fleetmq.broker.routing;

import io.fleetmq.broker.message.PublishMessage;
import io.fleetmq.broker.session.OutboundMessage;

/**
 * What routing asks of the cluster layer: which other nodes hold subscribers for a topic, and sending a message to
 * them. A single node uses {@link #NONE}. Implementations are thread-safe and never block the caller (an event loop).
 */
public interface ClusterRouting {

    /** Remote routes matching a topic: {@code clientId} of each match is a node name (one entry per filter). */
    MatchResult match(String topicName);

    /** Sends a message to another node, to be delivered there to its local non-shared subscribers. */
    void forward(String node, PublishMessage message);

    /** Sends a message to another node, to be delivered to exactly one of its members of a shared group. */
    void forwardShared(String node, String groupKey, PublishMessage message);

    /** Stores a retained message (or its deletion) on every other node. */
    void replicateRetained(PublishMessage message);

    /**
     * The client's session moved to another node moments ago and routes are still converging: delivers there.
     *
     * @param fromNode    the node that forwarded the message here, or null when it was published on this node
     * @param forwardedTo the nodes this node forwarded the same publish to
     * @return false when the client is not known to have moved
     */
    boolean relay(String clientId, OutboundMessage message, String fromNode, java.util.Set<String> forwardedTo);

    /** The single-node case: no other nodes. */
    ClusterRouting NONE = new ClusterRouting() {
        @Override
        public MatchResult match(String topicName) {
            return MatchResult.EMPTY;
        }

        @Override
        public void forward(String node, PublishMessage message) {
        }

        @Override
        public void forwardShared(String node, String groupKey, PublishMessage message) {
        }

        @Override
        public void replicateRetained(PublishMessage message) {
        }

        @Override
        public boolean relay(String clientId, OutboundMessage message, String fromNode,
                             java.util.Set<String> forwardedTo) {
            return false;
        }
    };
}
