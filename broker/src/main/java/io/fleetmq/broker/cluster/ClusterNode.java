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
    private JChannel channel;
    private PeerSender sender;
    private volatile List<String> members = List.of();
    private volatile boolean joined;

    private ClusterNode(BrokerConfig config, SessionManager sessions, PublishRouter router,
                        RouteReplicatingRegistry registry, LongSupplier nanoClock) {
        this.config = config;
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
                Address a = addressByName.get(node);
                if (a != null) {
                    sender.send(a, frame);
                }
            }
        }, scheduler, config.cluster().takeoverTimeout());
    }

    /**
     * Joins the cluster. The router must have been built on {@code registry}, which this node reads for the routes
     * it announces.
     */
    public static ClusterNode join(BrokerConfig config, SessionManager sessions, PublishRouter router,
                                   RouteReplicatingRegistry registry, LongSupplier nanoClock) throws Exception {
        ClusterNode node = new ClusterNode(config, sessions, router, registry, nanoClock);
        node.connect();
        return node;
    }

    /** Wraps the local registry so that its route changes reach the other nodes. */
    public static RouteReplicatingRegistry replicating(io.fleetmq.broker.routing.SubscriptionRegistry local) {
        return new RouteReplicatingRegistry(local);
    }

    private void connect() throws Exception {
        ClusterConfig c = config.cluster();
        channel = JGroupsStack.create(c);
        channel.name(localName);
        sender = new PeerSender(channel, nanoClock, MAX_QUEUED_FORWARDS);
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
        LOG.info("joining cluster '{}' as {} on {}:{} ({})", c.name(), localName, c.bind(), c.port(),
                c.dnsQuery().isEmpty() ? "seeds " + c.seeds() : "DNS " + c.dnsQuery());
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
        Address a = addressByName.get(node);
        if (a != null) {
            sender.sendForward(a, new ClusterFrame.Forward(message));
        }
    }

    @Override
    public void forwardShared(String node, String groupKey, PublishMessage message) {
        Address a = addressByName.get(node);
        if (a != null) {
            sender.sendForward(a, new ClusterFrame.ForwardShared(groupKey, message));
        }
    }

    @Override
    public void replicateRetained(PublishMessage message) {
        ClusterFrame frame = new ClusterFrame.RetainedPut(message);
        for (String node : otherMembers()) {
            Address a = addressByName.get(node);
            if (a != null) {
                sender.send(a, frame);
            }
        }
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
        String from = nameOf(msg.getSrc());
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
            handover.adopt(h.session(), from);
        } else if (frame instanceof ClusterFrame.SessionAdopted a) {
            handover.onAdopted(from, a.clientId());
        } else if (frame instanceof ClusterFrame.Hello h) {
            addressByName.put(h.nodeName(), src);
            peerVersions.put(h.nodeName(), h.protocolVersion());
        }
    }

    private String nameOf(Address a) {
        String n = NameCache.get(a);
        return n == null ? String.valueOf(a) : n;
    }

    // ------------------------------------------------------------------ membership

    private void onView(View view) {
        Set<String> before = new HashSet<>(members);
        List<String> now = new ArrayList<>();
        for (Address a : view.getMembers()) {
            String n = nameOf(a);
            now.add(n);
            addressByName.put(n, a);
        }
        boolean merge = view instanceof MergeView;
        List<String> joinedNodes = new ArrayList<>();
        for (String n : now) {
            if (!n.equals(localName) && (merge || !before.contains(n))) {
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
            addressByName.remove(n);
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
            Address a = addressByName.get(n);
            sender.send(a, new ClusterFrame.Hello(ClusterCodec.VERSION, localName));
            sender.send(a, new ClusterFrame.RouteSnapshot(routes));
            for (PublishMessage m : retained) {
                sender.send(a, new ClusterFrame.RetainedPut(m));
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
                Address a = addressByName.get(node);
                if (a != null) {
                    sender.send(a, delta);
                }
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
