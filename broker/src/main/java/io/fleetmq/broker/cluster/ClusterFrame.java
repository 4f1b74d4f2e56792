package io.fleetmq.broker.cluster;

import io.fleetmq.broker.message.PublishMessage;
import io.fleetmq.broker.session.OutboundMessage;
import io.fleetmq.broker.session.SessionState;

import java.util.List;

/**
 * The node-to-node messages. Each has a one-byte type on the wire ({@link ClusterCodec}); a node skips types it
 * does not know, so a newer node can add frames without breaking an older one.
 */
public sealed interface ClusterFrame {

    /** First frame to a new member: the newest protocol version this node speaks, and its node name. */
    record Hello(int protocolVersion, String nodeName) implements ClusterFrame {
    }

    /** Every topic filter this node has local subscribers for (shared ones as {@code $share/g/f}); replaces. */
    record RouteSnapshot(List<String> filters) implements ClusterFrame {
    }

    /** Route changes since the last batch: filters that gained their first / lost their last local subscriber. */
    record RouteDelta(List<String> added, List<String> removed) implements ClusterFrame {
    }

    /** A publish for the receiver's local non-shared subscribers. */
    record Forward(PublishMessage message) implements ClusterFrame {
    }

    /** A publish for exactly one of the receiver's members of the shared group {@code group/filter}. */
    record ForwardShared(String groupKey, PublishMessage message) implements ClusterFrame {
    }

    /** Store (or, with an empty payload, delete) a retained message. */
    record RetainedPut(PublishMessage message) implements ClusterFrame {
    }

    /**
     * A client connects to {@code requester} (the sender, unless a node passes the request on): close its connection
     * here; with {@code cleanStart} false, hand its session to the requester in a {@link ClaimReply}.
     */
    record ClaimRequest(long requestId, String clientId, boolean cleanStart, String requester, String owner)
            implements ClusterFrame {

        /** A claim that does not say who claims (from a node older than session ownership). */
        ClaimRequest(long requestId, String clientId, boolean cleanStart, String requester) {
            this(requestId, clientId, cleanStart, requester, null);
        }
    }

    /**
     * Answer to a {@link ClaimRequest} whose claimant is not the owner of the session held here: nothing was released
     * or closed, and the claimant refuses its CONNECT.
     */
    record ClaimRefused(long requestId, String clientId) implements ClusterFrame {
    }

    /**
     * Answer to a {@link ClaimRequest}: the session (or null), and when this node handed the session to another
     * node moments ago, that node's name (else empty): this node passed the request on to it (behind the session,
     * so it arrives there after it), and the claimer waits for that node's answer too.
     */
    record ClaimReply(long requestId, String clientId, SessionState session, String movedTo)
            implements ClusterFrame {
    }

    /**
     * The sender installed the session the receiver handed it: publishes the sender forwards after this frame were
     * already delivered to that client on the sender, so the receiver stops relaying them back.
     */
    record SessionAdopted(String clientId) implements ClusterFrame {
    }

    /** A draining node hands an offline persistent session to the receiver. */
    record SessionHandoff(SessionState session) implements ClusterFrame {
    }

    /** A message for a session that moved to the receiver while routes were converging. */
    record Relay(String clientId, OutboundMessage message) implements ClusterFrame {
    }
}
