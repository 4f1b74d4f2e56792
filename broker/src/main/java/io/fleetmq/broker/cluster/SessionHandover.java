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
    /** Client id -> node its session moved to, while routes converge. */
    private final Map<String, String> movedTo = new ConcurrentHashMap<>();
    /** Client ids whose new home confirmed the adoption (see {@link ClusterFrame.SessionAdopted}). */
    private final Set<String> adoptionConfirmed = ConcurrentHashMap.newKeySet();

    private static final class PendingClaim {
        final String clientId;
        /** One entry per request still unanswered (a node may be asked twice when the session moved on). */
        final List<String> awaiting;
        final CompletableFuture<Void> done = new CompletableFuture<>();
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
                    LOG.warn("client={} takeover: no answer from {} within {} ms; continuing without them",
                            clientId, p.awaiting, takeoverTimeout.toMillis());
                }
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

    /** Answer to our claim; runs before any relayed message from the same node (per-node FIFO). */
    void onClaimReply(String from, ClusterFrame.ClaimReply reply) {
        PendingClaim claim = pending.get(reply.requestId());
        LOG.debug("client={} claim {} answered by {}: session {}, moved to '{}', pending {}", reply.clientId(),
                reply.requestId(), from, reply.session() != null, reply.movedTo(),
                claim == null ? "none" : claim.awaiting);
        if (reply.session() != null) {
            adopt(reply.session(), from);
        }
        if (claim == null) {
            if (reply.session() != null) {
                LOG.warn("client={} session from node {} arrived after the takeover timeout", reply.clientId(), from);
            }
            return;
        }
        boolean complete;
        synchronized (claim) {
            claim.gotSession |= reply.session() != null;
            if (!claim.gotSession && !reply.movedTo().isEmpty() && !reply.movedTo().equals(peers.localName())) {
                // The session moved on a moment ago; the node that moved it passed our request on: await the answer.
                claim.awaiting.add(reply.movedTo());
            }
            claim.awaiting.remove(from);
            complete = claim.awaiting.isEmpty();
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

    /** Installs a session from another node, with its subscriptions (which become routes here). */
    void adopt(SessionState state, String from) {
        movedTo.remove(state.clientId());
        adoptionConfirmed.remove(state.clientId());
        boolean installed = sessions.adopt(state, st -> {
            for (Subscription s : st.subscriptions()) {
                registry.subscribe(st.clientId(), s);
            }
        });
        if (!installed) {
            LOG.warn("client={} session from node {} ignored: the client is already connected here",
                    state.clientId(), from);
            return;
        }
        peers.send(from, new ClusterFrame.SessionAdopted(state.clientId()));
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
