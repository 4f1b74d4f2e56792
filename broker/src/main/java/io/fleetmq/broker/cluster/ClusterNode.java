package io.fleetmq.broker.cluster;

import io.fleetmq.broker.config.BrokerConfig;
import io.fleetmq.broker.config.ClusterConfig;
import io.fleetmq.broker.message.PublishMessage;
import io.fleetmq.broker.routing.ClusterRouting;
import io.fleetmq.broker.routing.MatchResult;
import io.fleetmq.broker.routing.PublishRouter;
import io.fleetmq.broker.session.ClientRegistry;
import io.fleetmq.broker.session.OutboundMessage;
import io.fleetmq.broker.session.SessionManager;
import org.jgroups.Address;
import org.jgroups.JChannel;
import org.jgroups.MergeView;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.util.NameCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * This node's membership in the cluster: joins through JGroups, keeps the other nodes' routes ({@link RemoteRoutes})
 * and sends them ours in batches, forwards publishes once per interested node, replicates retained messages, moves
 * sessions on takeover and drain ({@link SessionHandover}), and forgets a node's routes when it leaves or dies.
 * <p>
 * Threads: JGroups delivers each node's batches in order on its own threads; one scheduler thread flushes route
 * changes and handles view changes; {@link PeerSender} owns all sending.
 */
public final class ClusterNode implements ClusterRouting, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
    /** Route changes are collected for this long and sent as one batch. */
    static final long ROUTE_FLUSH_MILLIS = 10;
    private static final int MAX_QUEUED_FORWARDS = 100_000;

    private final BrokerConfig config;
    private final String localName;
    private final PublishRouter router;
    private final RouteReplicatingRegistry registry;
    private final LongSupplier nanoClock;
    private final RemoteRoutes remote = new RemoteRoutes();
    private final Map<String, Address> addressByName = new ConcurrentHashMap<>();
    private final Map<String, Integer> peerVersions = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;
    private final SessionHandover handover;
    private final PeerMetrics peerMetrics;
    private JChannel channel;
    private PeerSender sender;
    private volatile List<String> members = List.of();
    private volatile boolean joined;

    private ClusterNode(BrokerConfig config, SessionManager sessions, PublishRouter router,
                        RouteReplicatingRegistry registry, LongSupplier nanoClock, PeerMetrics peerMetrics) {
        this.config = config;
        this.peerMetrics = peerMetrics;
        this.localName = config.nodeName();
        this.router = router;
        this.registry = registry;
        this.nanoClock = nanoClock;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fleetmq-cluster");
            t.setDaemon(true);
            return t;
        });
        this.handover = new SessionHandover(sessions, registry, new SessionHandover.Peers() {
            @Override
            public String localName() {
                return localName;
            }

            @Override
            public List<String> otherMembers() {
                return ClusterNode.this.otherMembers();
            }

            @Override
            public void send(String node, ClusterFrame frame) {
                sendTo(node, frame);
            }
        }, scheduler, config.cluster().takeoverTimeout());
    }

    /**
     * Joins the cluster. The router must have been built on {@code registry}, which this node reads for the routes
     * it announces.
     */
    public static ClusterNode join(BrokerConfig config, SessionManager sessions, PublishRouter router,
                                   RouteReplicatingRegistry registry, LongSupplier nanoClock,
                                   PeerMetrics peerMetrics) throws Exception {
        ClusterNode node = new ClusterNode(config, sessions, router, registry, nanoClock, peerMetrics);
        try {
            node.connect();
        } catch (Exception | Error e) {
            node.close();
            throw e;
        }
        return node;
    }

    /** Where the per-peer send queue figures go (the metrics registry); told when a peer appears and goes. */
    public interface PeerMetrics {
        /** Starts exporting {@code queued} frames and {@code dropped} forwards for {@code peer}. */
        void peerAdded(String peer, LongSupplier queued, LongSupplier dropped);

        void peerRemoved(String peer);

        PeerMetrics NONE = new PeerMetrics() {
            @Override
            public void peerAdded(String peer, LongSupplier queued, LongSupplier dropped) {
            }

            @Override
            public void peerRemoved(String peer) {
            }
        };
    }

    /** Wraps the local registry so that its route changes reach the other nodes. */
    public static RouteReplicatingRegistry replicating(io.fleetmq.broker.routing.SubscriptionRegistry local) {
        return new RouteReplicatingRegistry(local);
    }

    private void connect() throws Exception {
        ClusterConfig c = config.cluster();
        ClusterSecret secret = ClusterSecret.forConfig(c).orElse(null);
        channel = JGroupsStack.create(c, secret);
        channel.name(localName);
        sender = new PeerSender(channel, nanoClock, MAX_QUEUED_FORWARDS, new PeerSender.Listener() {
            @Override
            public void peerAdded(String peer, PeerSender.PeerQueue queue) {
                peerMetrics.peerAdded(peer, queue::queued, queue::dropped);
            }

            @Override
            public void peerRemoved(String peer) {
                peerMetrics.peerRemoved(peer);
            }
        });
        channel.setReceiver(new Receiver() {
            @Override
            public void receive(Message msg) {
                onMessage(msg);
            }

            @Override
            public void viewAccepted(View view) {
                scheduler.execute(() -> onView(view));
            }
        });
        router.cluster(this, localName);
        LOG.info("joining cluster '{}' as {} on {}:{} ({}, {})", c.name(), localName, c.bind(), c.port(),
                c.dnsQuery().isEmpty() ? "seeds " + c.seeds() : "DNS " + c.dnsQuery(),
                secret == null ? "PLAINTEXT" : "authenticated and encrypted with " + c.secretFile());
        channel.connect(c.name());
        scheduler.scheduleWithFixedDelay(this::flushRoutes, ROUTE_FLUSH_MILLIS, ROUTE_FLUSH_MILLIS,
                TimeUnit.MILLISECONDS);
        joined = true;
    }

    /** Whether this node has joined its cluster (readiness). */
    public boolean joined() {
        return joined && channel != null && channel.isConnected();
    }

    /** Node names in the current view, this node included, oldest first. */
    public List<String> members() {
        return members;
    }

    public ClientRegistry clientRegistry() {
        return handover;
    }

    public String localName() {
        return localName;
    }

    /** Forwards dropped because another node could not keep up (see {@link PeerSender}). */
    public long droppedForwards() {
        return sender.dropped();
    }

    /** Frames queued for {@code node} now (see {@link PeerSender}). */
    public int queuedFor(String node) {
        return sender.queued(node);
    }

    /** This node's JGroups address (for diagnostics, and for tests that play a hostile peer). */
    public Address address() {
        return channel.getAddress();
    }

    /** Whether {@code node} announced a route for exactly {@code filter} (for tests and the admin view). */
    public boolean hasRemoteRoute(String node, String filter) {
        return remote.has(node, filter);
    }

    List<String> otherMembers() {
        List<String> m = members;
        List<String> others = new ArrayList<>(m.size());
        for (String n : m) {
            if (!n.equals(localName)) {
                others.add(n);
            }
        }
        return others;
    }

    // ------------------------------------------------------------------ ClusterRouting

    @Override
    public MatchResult match(String topicName) {
        return remote.match(topicName);
    }

    @Override
    public void forward(String node, PublishMessage message) {
        sender.sendForward(node, addressByName.get(node), new ClusterFrame.Forward(message));
    }

    @Override
    public void forwardShared(String node, String groupKey, PublishMessage message) {
        sender.sendForward(node, addressByName.get(node), new ClusterFrame.ForwardShared(groupKey, message));
    }

    @Override
    public void replicateRetained(PublishMessage message) {
        ClusterFrame frame = new ClusterFrame.RetainedPut(message);
        for (String node : otherMembers()) {
            sendTo(node, frame);
        }
    }

    private void sendTo(String node, ClusterFrame frame) {
        sender.send(node, addressByName.get(node), frame);
    }

    @Override
    public boolean relay(String clientId, OutboundMessage message, String fromNode, Set<String> forwardedTo) {
        String node = handover.movedTo(clientId);
        if (node == null) {
            return false;
        }
        if (fromNode == null) {
            // Published here and also forwarded to the new home, behind the session (same sender, FIFO): it is
            // delivered there already, relaying as well would deliver it twice.
            if (forwardedTo.contains(node)) {
                return true;
            }
        } else if (!handover.needsRelay(clientId, fromNode)) {
            return true; // the new home published it after installing the session: delivered there already
        }
        return handover.relay(clientId, message);
    }

    // ------------------------------------------------------------------ receiving

    private void onMessage(Message msg) {
        if (msg.getDest() == null) {
            // PeerSender only sends to one node at a time: a batch sent to everyone is not from a FleetMQ node.
            LOG.warn("batch sent to all members by {} dropped: nodes only send to one node", msg.getSrc());
            return;
        }
        String from = nameOf(msg.getSrc());
        if (!bind(from, msg.getSrc())) {
            LOG.warn("batch from {} dropped: node name '{}' belongs to another member ({})", msg.getSrc(), from,
                    addressByName.get(from));
            return;
        }
        try {
            ClusterCodec.decode(msg.getArray(), msg.getOffset(), msg.getLength(), nanoClock.getAsLong(),
                    frame -> dispatch(from, msg.getSrc(), frame));
        } catch (ClusterCodec.UnreadableBatchException e) {
            LOG.warn("batch from node {} dropped: {}", from, e.getMessage());
        }
    }

    private void dispatch(String from, Address src, ClusterFrame frame) {
        if (frame instanceof ClusterFrame.Forward f) {
            router.deliverForwarded(f.message(), from);
        } else if (frame instanceof ClusterFrame.ForwardShared f) {
            router.deliverForwardedShared(f.groupKey(), f.message());
        } else if (frame instanceof ClusterFrame.RouteDelta d) {
            remote.apply(from, d.added(), d.removed());
        } else if (frame instanceof ClusterFrame.RouteSnapshot s) {
            remote.replace(from, s.filters());
        } else if (frame instanceof ClusterFrame.RetainedPut r) {
            if (config.mqtt().retainAvailable()) {
                router.retained().put(r.message());
            }
        } else if (frame instanceof ClusterFrame.ClaimRequest c) {
            handover.onClaimRequest(from, c);
        } else if (frame instanceof ClusterFrame.ClaimReply c) {
            handover.onClaimReply(from, c);
        } else if (frame instanceof ClusterFrame.ClaimRefused r) {
            handover.onClaimRefused(from, r);
        } else if (frame instanceof ClusterFrame.Relay r) {
            handover.onRelay(r);
        } else if (frame instanceof ClusterFrame.SessionHandoff h) {
            LOG.info("client={} session handed over by draining node {}", h.session().clientId(), from);
            if (!handover.adopt(h.session(), from)) {
                handover.mergeLate(h.session(), from);
            }
        } else if (frame instanceof ClusterFrame.SessionAdopted a) {
            handover.onAdopted(from, a.clientId());
        } else if (frame instanceof ClusterFrame.Hello h) {
            if (!h.nodeName().equals(from)) {
                // Names are identities (routes, sessions, claims are keyed by them): a member cannot take another's.
                LOG.warn("Hello from member {} claiming the node name '{}' refused", from, h.nodeName());
                return;
            }
            peerVersions.put(from, h.protocolVersion());
        }
    }

    /**
     * Binds a node name to the member's address on first sight; afterwards only that address speaks for the name,
     * until it leaves the view. A second member using the same JGroups name (nodeName must be unique) is refused.
     *
     * @return whether {@code address} holds {@code name}
     */
    private boolean bind(String name, Address address) {
        Address holder = addressByName.putIfAbsent(name, address);
        return holder == null || holder.equals(address);
    }

    private String nameOf(Address a) {
        String n = NameCache.get(a);
        return n == null ? String.valueOf(a) : n;
    }

    // ------------------------------------------------------------------ membership

    private void onView(View view) {
        Set<String> before = new HashSet<>(members);
        // A name whose holder left the view is free again (a node restarted under the same name).
        addressByName.entrySet().removeIf(e -> !view.containsMember(e.getValue()));
        List<String> now = new ArrayList<>();
        Set<String> rebound = new HashSet<>();
        for (Address a : view.getMembers()) {
            String n = nameOf(a);
            Address holder = addressByName.get(n);
            if (now.contains(n) || (holder != null && !holder.equals(a) && view.containsMember(holder))) {
                // Oldest first: the earlier member keeps the name, the impostor is ignored (not routed to, not heard).
                LOG.warn("member {} uses the node name '{}' of member {}: ignored", a, n, holder);
                continue;
            }
            if (holder == null && before.contains(n)) {
                rebound.add(n); // same name, new incarnation: it needs our routes again
            }
            addressByName.put(n, a);
            now.add(n);
        }
        sender.retainOnly(view.getMembers());
        boolean merge = view instanceof MergeView;
        List<String> joinedNodes = new ArrayList<>();
        for (String n : now) {
            if (!n.equals(localName) && (merge || !before.contains(n) || rebound.contains(n))) {
                joinedNodes.add(n);
            }
        }
        List<String> left = new ArrayList<>();
        for (String n : before) {
            if (!now.contains(n)) {
                left.add(n);
            }
        }
        members = Collections.unmodifiableList(now);
        for (String n : left) {
            peerVersions.remove(n);
            remote.removeNode(n);
            handover.memberLeft(n);
        }
        LOG.info("cluster view {}: members {}{}{}", view.getViewId().getId(), now,
                joinedNodes.isEmpty() ? "" : ", joined " + joinedNodes, left.isEmpty() ? "" : ", left " + left);
        if (joinedNodes.isEmpty()) {
            return;
        }
        // New members learn our routes; the oldest of the earlier members also gives them the retained messages.
        List<String> routes = registry.routes();
        boolean giveRetained = merge || isOldestOf(before);
        List<PublishMessage> retained = giveRetained ? router.retained().match("#") : List.of();
        for (String n : joinedNodes) {
            sendTo(n, new ClusterFrame.Hello(ClusterCodec.VERSION, localName));
            sendTo(n, new ClusterFrame.RouteSnapshot(routes));
            for (PublishMessage m : retained) {
                sendTo(n, new ClusterFrame.RetainedPut(m));
            }
        }
    }

    private boolean isOldestOf(Set<String> earlier) {
        for (String n : members) {
            if (earlier.contains(n) || n.equals(localName)) {
                return n.equals(localName);
            }
        }
        return false;
    }

    private void flushRoutes() {
        try {
            ClusterFrame.RouteDelta delta = registry.takeDelta();
            if (delta == null) {
                return;
            }
            for (String node : otherMembers()) {
                sendTo(node, delta);
            }
        } catch (RuntimeException e) {
            LOG.warn("route flush failed: {}", e.toString());
        }
    }

    // ------------------------------------------------------------------ drain and leave

    /**
     * Scale-in: hands every offline persistent session to the other nodes and keeps relaying their messages until
     * the other nodes route to the new homes. Call after the clients were told to move.
     *
     * @return how many sessions were handed over
     */
    public int handOffSessions() throws InterruptedException {
        int n = handover.handOffOfflineSessions();
        if (n > 0) {
            sender.flush(5_000);
            // Keep relaying while the new homes announce the routes (one flush interval plus the network).
            Thread.sleep(Math.max(500, ROUTE_FLUSH_MILLIS * 20));
        }
        return n;
    }

    /** Leaves the cluster; the others drop this node's routes at once (no failure detection wait). */
    @Override
    public void close() {
        joined = false;
        try {
            if (sender != null) {
                sender.flush(2_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (channel != null) {
            channel.close();
        }
        if (sender != null) {
            sender.close();
        }
        scheduler.shutdownNow();
        router.cluster(ClusterRouting.NONE, localName);
    }
}
