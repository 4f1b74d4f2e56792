package io.fleetmq.broker.cluster;

import io.fleetmq.broker.routing.Subscription;
import io.fleetmq.broker.routing.SubscriptionRegistry;
import io.fleetmq.broker.session.ClientRegistry;
import io.fleetmq.broker.session.OutboundMessage;
import io.fleetmq.broker.session.Session;
import io.fleetmq.broker.session.SessionManager;
import io.fleetmq.broker.session.SessionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Moves sessions between nodes: claims a client id for a CONNECT here (the other nodes close their connection and
 * hand a resumed session over), answers other nodes' claims, adopts sessions a draining node hands over, and for a
 * short while relays messages for a session that just left, until every node routes to its new home.
 */
final class SessionHandover implements ClientRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(SessionHandover.class);
    /** How long messages for a moved session are relayed: far longer than route convergence (tens of ms). */
    static final Duration RELAY_GRACE = Duration.ofSeconds(3);
    /** How long after its timeout a claim still accepts the session from a node it asked (then merged, not lost). */
    static final Duration LATE_REPLY_GRACE = Duration.ofMinutes(5);

    /** What the cluster node provides: membership and the way out. */
    interface Peers {
        String localName();

        List<String> otherMembers();

        void send(String node, ClusterFrame frame);
    }

    private final SessionManager sessions;
    private final SubscriptionRegistry registry;
    private final Peers peers;
    private final ScheduledExecutorService timers;
    private final Duration takeoverTimeout;
    private final AtomicLong nextRequestId = new AtomicLong(1);
    private final Map<Long, PendingClaim> pending = new ConcurrentHashMap<>();
    /** Claims that timed out, by request id: a session their nodes still send is merged, not dropped. */
    private final Map<Long, PendingClaim> timedOut = new ConcurrentHashMap<>();
    /** Client id -> node its session moved to, while routes converge. */
    private final Map<String, String> movedTo = new ConcurrentHashMap<>();
    /** Client ids whose new home confirmed the adoption (see {@link ClusterFrame.SessionAdopted}). */
    private final Set<String> adoptionConfirmed = ConcurrentHashMap.newKeySet();

    private static final class PendingClaim {
        final String clientId;
        /** One entry per request still unanswered (a node may be asked twice when the session moved on). */
        final List<String> awaiting;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        /** Replies from nodes not (yet) awaited: a node the session moved to may answer before the node that says so. */
        final Map<String, ClusterFrame.ClaimReply> early = new java.util.HashMap<>();
        boolean gotSession;

        PendingClaim(String clientId, List<String> awaiting) {
            this.clientId = clientId;
            this.awaiting = awaiting;
        }
    }

    SessionHandover(SessionManager sessions, SubscriptionRegistry registry, Peers peers,
                    ScheduledExecutorService timers, Duration takeoverTimeout) {
        this.sessions = sessions;
        this.registry = registry;
        this.peers = peers;
        this.timers = timers;
        this.takeoverTimeout = takeoverTimeout;
    }

    @Override
    public CompletableFuture<Void> claim(String clientId, String owner, boolean cleanStart) {
        List<String> others = peers.otherMembers();
        if (others.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        if (cleanStart) {
            // Nothing to bring over: the other nodes end their copy and close their connection on their own time.
            for (String node : others) {
                peers.send(node, new ClusterFrame.ClaimRequest(0, clientId, true, peers.localName(), owner));
            }
            return CompletableFuture.completedFuture(null);
        }
        long id = nextRequestId.getAndIncrement();
        PendingClaim claim = new PendingClaim(clientId, new ArrayList<>(others));
        pending.put(id, claim);
        for (String node : others) {
            peers.send(node, new ClusterFrame.ClaimRequest(id, clientId, false, peers.localName(), owner));
        }
        timers.schedule(() -> {
            PendingClaim p = pending.remove(id);
            if (p != null) {
                synchronized (p) {
                    LOG.warn("client={} takeover: no answer from {} within {} ms; continuing without them (a session "
                            + "they send later is merged into the client's)", clientId, p.awaiting,
                            takeoverTimeout.toMillis());
                }
                timedOut.put(id, p);
                timers.schedule(() -> timedOut.remove(id), LATE_REPLY_GRACE.toMillis(), TimeUnit.MILLISECONDS);
                p.done.complete(null);
            }
        }, takeoverTimeout.toMillis(), TimeUnit.MILLISECONDS);
        return claim.done;
    }

    /** Another node is taking a client over. */
    void onClaimRequest(String sender, ClusterFrame.ClaimRequest request) {
        String clientId = request.clientId();
        String from = request.requester().isEmpty() ? sender : request.requester();
        if (request.owner() != null && sessions.ownedByAnother(clientId, request.owner())) {
            // Another principal's claim: the session and its connection here stay as they are.
            LOG.warn("client={} claim from node {} refused: the session here belongs to another principal", clientId,
                    from);
            if (!request.cleanStart()) {
                peers.send(from, new ClusterFrame.ClaimRefused(request.requestId(), clientId));
            }
            return;
        }
        if (request.cleanStart()) {
            boolean had = sessions.releaseToPeer(clientId, true, st -> { }, m -> { });
            movedTo.remove(clientId);
            if (had) {
                registry.removeAll(clientId);
            }
            return;
        }
        boolean had = sessions.releaseToPeer(clientId, false, st -> {
            SessionState full = st.withSubscriptions(List.copyOf(registry.subscriptionsOf(clientId)));
            moved(clientId, from);
            LOG.info("client={} session handed to node {} ({} subscriptions, {} inflight, {} queued)", clientId,
                    from, full.subscriptions().size(), full.inflight().size(), full.queued().size());
            peers.send(from, new ClusterFrame.ClaimReply(request.requestId(), clientId, full, ""));
        }, m -> peers.send(from, new ClusterFrame.Relay(clientId, m)));
        if (!had) {
            String elsewhere = movedTo.get(clientId);
            String forwardTo = elsewhere != null && !elsewhere.equals(from) ? elsewhere : "";
            LOG.debug("client={} claim {} from {}: no session here, moved to '{}'", clientId, request.requestId(),
                    from, forwardTo);
            if (!forwardTo.isEmpty()) {
                // Passed on by this node, so it reaches the new home after the session this node sent there.
                peers.send(forwardTo, new ClusterFrame.ClaimRequest(request.requestId(), clientId, false, from,
                        request.owner()));
            }
            peers.send(from, new ClusterFrame.ClaimReply(request.requestId(), clientId, null, forwardTo));
        }
    }

    /**
     * Answer to our claim; runs before any relayed message from the same node (per-node FIFO). Accepted only for a
     * claim this node made, for the same client, from a node that claim asked (or that a asked node passed it on
     * to): a reply from any other member, or for a claim never made, is refused and cannot install a session here.
     */
    void onClaimReply(String from, ClusterFrame.ClaimReply reply) {
        PendingClaim claim = pending.get(reply.requestId());
        LOG.debug("client={} claim {} answered by {}: session {}, moved to '{}', pending {}", reply.clientId(),
                reply.requestId(), from, reply.session() != null, reply.movedTo(),
                claim == null ? "none" : claim.awaiting);
        if (claim == null) {
            onLateReply(from, reply);
            return;
        }
        if (!claim.clientId.equals(reply.clientId())
                || (reply.session() != null && !reply.clientId().equals(reply.session().clientId()))) {
            LOG.warn("client={} claim reply from node {} for request {} refused: that request claimed client {}",
                    reply.clientId(), from, reply.requestId(), claim.clientId);
            return;
        }
        List<ClusterFrame.ClaimReply> toProcess = new ArrayList<>();
        boolean complete;
        synchronized (claim) {
            if (!claim.awaiting.contains(from)) {
                if (claim.early.size() < peers.otherMembers().size()) {
                    claim.early.put(from, reply); // accepted only if an asked node names it (movedTo) in time
                }
                return;
            }
            claim.awaiting.remove(from);
            toProcess.add(reply);
            claim.gotSession |= reply.session() != null;
            if (!claim.gotSession && !reply.movedTo().isEmpty() && !reply.movedTo().equals(peers.localName())) {
                // The session moved on a moment ago; the node that moved it passed our request on: await the answer.
                ClusterFrame.ClaimReply already = claim.early.remove(reply.movedTo());
                if (already != null) {
                    toProcess.add(already);
                    claim.gotSession |= already.session() != null;
                } else {
                    claim.awaiting.add(reply.movedTo());
                }
            }
            complete = claim.awaiting.isEmpty();
        }
        for (ClusterFrame.ClaimReply r : toProcess) {
            if (r.session() != null) {
                String sender = r == reply ? from : reply.movedTo();
                if (!adopt(r.session(), sender)) {
                    mergeLate(r.session(), sender);
                }
            }
        }
        if (complete && pending.remove(reply.requestId()) != null) {
            claim.done.complete(null);
        }
    }

    /** A node refused our claim: the session there belongs to another principal; the CONNECT is refused. */
    void onClaimRefused(String from, ClusterFrame.ClaimRefused refused) {
        PendingClaim claim = pending.remove(refused.requestId());
        if (claim != null) {
            claim.done.completeExceptionally(new ClientRegistry.OwnedByAnother(refused.clientId(), from));
        }
    }

    /**
     * A reply after the takeover timeout: the client got a new session meanwhile (or is about to). The late session
     * is not dropped: its messages are merged into the client's current session, or, when the client has none here,
     * it is installed as it is.
     */
    private void onLateReply(String from, ClusterFrame.ClaimReply reply) {
        PendingClaim claim = timedOut.get(reply.requestId());
        boolean expected;
        if (claim == null) {
            expected = false;
        } else {
            synchronized (claim) {
                expected = claim.clientId.equals(reply.clientId()) && claim.awaiting.remove(from);
            }
        }
        if (!expected) {
            LOG.warn("client={} claim reply from node {} for request {} refused: this node is not awaiting it",
                    reply.clientId(), from, reply.requestId());
            return;
        }
        if (reply.session() == null || !reply.clientId().equals(reply.session().clientId())) {
            return;
        }
        mergeLate(reply.session(), from);
    }

    /** Installs a late session, or moves its messages into the session the client has here now. */
    void mergeLate(SessionState late, String from) {
        String clientId = late.clientId();
        if (sessions.store().get(clientId) == null && adopt(late, from)) {
            return; // the client has no session here (yet): the late one is installed as it was
        }
        Session current = sessions.store().get(clientId);
        if (current == null) {
            LOG.warn("client={} late session from node {} could not be merged: the client's session ended meanwhile",
                    clientId, from);
            return;
        }
        for (SessionState.Inflight i : late.inflight()) {
            current.deliver(i.message());
        }
        for (OutboundMessage m : late.queued()) {
            current.deliver(m);
        }
        // Filters the client subscribed to again keep their new options; the others come back.
        Set<String> filters = new java.util.HashSet<>();
        for (Subscription sub : registry.subscriptionsOf(clientId)) {
            filters.add(sub.topicFilter());
        }
        for (Subscription sub : late.subscriptions()) {
            if (filters.add(sub.topicFilter())) {
                registry.subscribe(clientId, sub);
            }
        }
        LOG.warn("client={} session from node {} arrived after the takeover timeout: merged into the current "
                + "session ({} inflight and {} queued messages, {} subscriptions)", clientId, from,
                late.inflight().size(), late.queued().size(), late.subscriptions().size());
        peers.send(from, new ClusterFrame.SessionAdopted(clientId));
    }

    /**
     * Installs a session from another node, with its subscriptions (which become routes here).
     *
     * @return false when the client is connected here already (the session was not installed)
     */
    boolean adopt(SessionState state, String from) {
        movedTo.remove(state.clientId());
        adoptionConfirmed.remove(state.clientId());
        boolean installed = sessions.adopt(state, st -> {
            for (Subscription s : st.subscriptions()) {
                registry.subscribe(st.clientId(), s);
            }
        });
        if (!installed) {
            LOG.warn("client={} session from node {} not installed: the client is already connected here",
                    state.clientId(), from);
            return false;
        }
        peers.send(from, new ClusterFrame.SessionAdopted(state.clientId()));
        return true;
    }

    /** The new home of a session we handed over installed it. */
    void onAdopted(String from, String clientId) {
        if (from.equals(movedTo.get(clientId))) {
            adoptionConfirmed.add(clientId);
        }
    }

    /**
     * Whether a publish that {@code fromNode} forwarded here must still be relayed to the moved client: not when
     * {@code fromNode} is the client's new home and had already installed the session (it delivered it itself).
     */
    boolean needsRelay(String clientId, String fromNode) {
        return fromNode == null || !fromNode.equals(movedTo.get(clientId)) || !adoptionConfirmed.contains(clientId);
    }

    /** A draining node hands its offline sessions over: pick a node per session, keep relaying for a while. */
    int handOffOfflineSessions() {
        List<String> others = peers.otherMembers();
        if (others.isEmpty()) {
            return 0;
        }
        return sessions.releaseOfflineForDrain(clientId -> {
            String node = others.get(Math.floorMod(clientId.hashCode(), others.size()));
            return Map.entry(st -> {
                moved(clientId, node);
                peers.send(node, new ClusterFrame.SessionHandoff(
                        st.withSubscriptions(List.copyOf(registry.subscriptionsOf(clientId)))));
            }, m -> peers.send(node, new ClusterFrame.Relay(clientId, m)));
        });
    }

    /** The node a client's session moved to moments ago, or null. */
    String movedTo(String clientId) {
        return movedTo.get(clientId);
    }

    /**
     * Relays a message for a session that moved.
     *
     * @return false when the client did not move
     */
    boolean relay(String clientId, OutboundMessage message) {
        String node = movedTo.get(clientId);
        if (node == null) {
            return false;
        }
        peers.send(node, new ClusterFrame.Relay(clientId, message));
        return true;
    }

    /** A relayed message arrived: the session should be here; if it moved on again, pass it along. */
    void onRelay(ClusterFrame.Relay relay) {
        Session session = sessions.store().get(relay.clientId());
        if (session != null) {
            session.deliver(relay.message());
        } else if (!relay(relay.clientId(), relay.message())) {
            LOG.debug("client={} relayed message dropped: no session here", relay.clientId());
        }
    }

    /** A member left: claims stop waiting for it, and sessions relayed to it stay here (their routes too). */
    void memberLeft(String node) {
        for (Map.Entry<Long, PendingClaim> e : pending.entrySet()) {
            PendingClaim claim = e.getValue();
            boolean complete;
            synchronized (claim) {
                claim.awaiting.removeIf(node::equals);
                complete = claim.awaiting.isEmpty();
            }
            if (complete && pending.remove(e.getKey()) != null) {
                claim.done.complete(null);
            }
        }
        movedTo.values().removeIf(node::equals);
    }

    private void moved(String clientId, String node) {
        adoptionConfirmed.remove(clientId);
        movedTo.put(clientId, node);
        timers.schedule(() -> {
            // Routes point to the new node by now: forget the relay and the subscriptions kept for it, unless the
            // client came back meanwhile (then the session and subscriptions here are its own again).
            if (movedTo.remove(clientId, node)) {
                adoptionConfirmed.remove(clientId);
                if (sessions.store().get(clientId) == null) {
                    registry.removeAll(clientId);
                }
            }
        }, RELAY_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }

    int pendingClaims() {
        return pending.size();
    }
}
