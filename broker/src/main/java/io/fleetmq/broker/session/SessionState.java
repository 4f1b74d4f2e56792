package io.fleetmq.broker.session;

import io.fleetmq.broker.routing.Subscription;

import java.util.List;

/**
 * Everything a persistent session holds, detached from any node: what moves when a client is taken over by another
 * cluster node or a draining node hands its sessions to peers. Immutable.
 *
 * @param clientId              the session's client identifier
 * @param expiryIntervalSeconds the session expiry interval in force
 * @param subscriptions         the client's subscriptions (they live in the routing layer on a node)
 * @param inflight              outbound QoS 1/2 messages awaiting acknowledgement, in send order
 * @param queued                messages waiting for a connection or for room in the inflight window, in order
 * @param inboundQos2           packet ids of inbound QoS 2 messages awaiting PUBREL [MQTT-4.3.3-9]
 * @param lastPacketId          the last packet id used, so new ids continue after the inflight ones
 * @param owner                 the principal the session belongs to ({@code ""} for anonymous); null when unknown
 *                              (sent by a node too old to carry it)
 */
public record SessionState(String clientId, long expiryIntervalSeconds, List<Subscription> subscriptions,
                           List<Inflight> inflight, List<OutboundMessage> queued, List<Integer> inboundQos2,
                           int lastPacketId, String owner) {

    /** A session whose owner is not known. */
    public SessionState(String clientId, long expiryIntervalSeconds, List<Subscription> subscriptions,
                        List<Inflight> inflight, List<OutboundMessage> queued, List<Integer> inboundQos2,
                        int lastPacketId) {
        this(clientId, expiryIntervalSeconds, subscriptions, inflight, queued, inboundQos2, lastPacketId, null);
    }

    public SessionState {
        subscriptions = List.copyOf(subscriptions);
        inflight = List.copyOf(inflight);
        queued = List.copyOf(queued);
        inboundQos2 = List.copyOf(inboundQos2);
    }

    /** One unacknowledged outbound message; {@code released} once PUBREL was sent (QoS 2, awaiting PUBCOMP). */
    public record Inflight(int packetId, OutboundMessage message, boolean released) {
    }

    public SessionState withSubscriptions(List<Subscription> subs) {
        return new SessionState(clientId, expiryIntervalSeconds, subs, inflight, queued, inboundQos2, lastPacketId,
                owner);
    }

    public SessionState withOwner(String principal) {
        return new SessionState(clientId, expiryIntervalSeconds, subscriptions, inflight, queued, inboundQos2,
                lastPacketId, principal);
    }
}
