package io.fleetmq.broker;

import io.fleetmq.broker.cluster.ClusterNode;
import io.fleetmq.broker.cluster.RouteReplicatingRegistry;
import io.fleetmq.broker.config.BrokerConfig;
import io.fleetmq.broker.health.Readiness;
import io.fleetmq.broker.health.ReadinessCheck;
import io.fleetmq.broker.http.HttpListener;
import io.fleetmq.broker.metrics.BrokerMetrics;
import io.fleetmq.broker.metrics.Metric;
import io.fleetmq.broker.auth.Security;
import io.fleetmq.broker.config.BrokerConfig;
import io.fleetmq.broker.config.ConfigException;
import io.fleetmq.broker.config.LimitsConfig;
import io.fleetmq.broker.config.ListenersConfig;
import io.fleetmq.broker.files.FileFormatException;
import io.fleetmq.broker.metrics.BrokerStats;
import io.fleetmq.broker.protocol.BrokerContext;
import io.fleetmq.broker.session.ClientRegistry;
import io.fleetmq.broker.protocol.ConnectionLimits;
import io.fleetmq.broker.routing.InMemoryRetainedStore;
import io.fleetmq.broker.routing.PublishRouter;
import io.fleetmq.broker.routing.RetainedStore;
import io.fleetmq.broker.routing.SubscriptionRegistry;
import io.fleetmq.broker.routing.TopicTreeSubscriptionRegistry;
import io.fleetmq.broker.session.InMemorySessionStore;
import io.fleetmq.broker.session.SessionManager;
import io.fleetmq.broker.sys.SysTopicsPublisher;
import io.fleetmq.broker.transport.MqttServer;
import io.micrometer.core.instrument.Tags;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * A running FleetMQ node: listeners bound, sessions served. Start with {@link #start(BrokerConfig)}; stop with
 * {@link #close()} (graceful: v5 clients get DISCONNECT 0x8B, in-flight writes are flushed within the configured
 * grace period).
 */
public final class FleetMqBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FleetMqBroker.class);

    private final BrokerConfig config;
    private final BrokerMetrics metrics;
    private final Readiness readiness;
    private final AtomicBoolean listenersBound;
    private final MqttServer server;
    private final HttpListener http;
    private final SessionManager sessions;
    private final PublishRouter router;
    private final Map<String, InetSocketAddress> listeners;
    private final ScheduledFuture<?> sysTask;
    private final ClusterNode cluster;
    private final AtomicBoolean closed = new AtomicBoolean();

    private final Security security;

    private FleetMqBroker(BrokerConfig config, BrokerMetrics metrics, Readiness readiness,
                          AtomicBoolean listenersBound, MqttServer server, HttpListener http, SessionManager sessions,
                          PublishRouter router, Map<String, InetSocketAddress> listeners, ScheduledFuture<?> sysTask,
                          ClusterNode cluster, Security security) {
        this.config = config;
        this.metrics = metrics;
        this.readiness = readiness;
        this.listenersBound = listenersBound;
        this.server = server;
        this.http = http;
        this.sessions = sessions;
        this.router = router;
        this.listeners = Map.copyOf(listeners);
        this.sysTask = sysTask;
        this.cluster = cluster;
        this.security = security;
    }

    public static FleetMqBroker start(BrokerConfig config) throws InterruptedException {
        LongSupplier clock = System::nanoTime;
        BrokerMetrics metrics = BrokerMetrics.create(config.nodeName());
        BrokerStats stats = metrics.stats();
        // Readiness: the built-in check is "listeners bound (and not shutting down)"; the cluster layer registers
        // "joined the cluster" through readiness().register(...) before or after start.
        Readiness readiness = new Readiness();
        AtomicBoolean listenersBound = new AtomicBoolean();
        readiness.register(ReadinessCheck.of("listeners", listenersBound::get));
        MqttServer server = new MqttServer(config.transport().nativeEpoll(), config.transport().ioThreads());
        ClusterNode cluster = null;
        HttpListener http = null;
        Security security = null;
        try {
            InMemorySessionStore store = new InMemorySessionStore();
            SessionManager sessions = new SessionManager(store, config.sessions(), stats, server.workers(), clock);
            // Without authentication every client is the same anonymous principal: a per-principal bound would be a
            // node-wide one, so it applies only when principals can be told apart.
            sessions.maxOfflineSessionsPerOwner(config.auth().authenticates()
                    ? config.limits().maxOfflineSessionsPerPrincipal() : 0);
            SubscriptionRegistry registry = new TopicTreeSubscriptionRegistry();
            RouteReplicatingRegistry replicating = null;
            if (config.cluster().enabled()) {
                replicating = ClusterNode.replicating(registry);
                registry = replicating;
            }
            LimitsConfig limits = config.limits();
            RetainedStore retained = new InMemoryRetainedStore(limits.maxRetainedMessages(),
                    limits.maxRetainedBytes(), limits.maxRetainedMessagesPerClient(),
                    limits.maxRetainedBytesPerClient());
            PublishRouter router = new PublishRouter(registry, retained, store, stats,
                    config.mqtt().retainAvailable());
            sessions.events(router);
            if (replicating != null) {
                // Joined before the listener opens: a node takes clients only once it knows the cluster's routes.
                cluster = ClusterNode.join(config, sessions, router, replicating, clock, peerMetrics(metrics));
            }
            security = Security.create(config.auth(), clock);
            BrokerContext ctx = new BrokerContext(config, sessions, router, stats, clock, security,
                    new ConnectionLimits(config.limits(), stats, clock),
                    cluster == null ? ClientRegistry.LOCAL : cluster.clientRegistry());
            metrics.bindStores(store, router.registry(), router.retained(), clock);
            if (cluster != null) {
                ClusterNode joined = cluster;
                // Ready only once the node is in its cluster's view.
                readiness.register(ReadinessCheck.of("cluster", joined::joined));
                metrics.gauge(Metric.CLUSTER_MEMBERS, Tags.empty(), () -> joined.members().size());
            } else {
                metrics.gauge(Metric.CLUSTER_MEMBERS, Tags.empty(), () -> 1);
            }
            if (config.http().enabled()) {
                // Up before the MQTT listeners, so probes get an answer (not ready) while the node starts.
                http = HttpListener.start(config.http(), config.nodeName(), version(), metrics, readiness, store,
                        router, stats);
            }
            Map<String, InetSocketAddress> bound = new LinkedHashMap<>();
            ListenersConfig l = config.listeners();
            if (l.tcp().enabled()) {
                bound.put("tcp", server.bindTcp(l.tcp(), ctx));
            }
            if (l.tls().enabled()) {
                bound.put("tls", server.bindTls("tls", l.tls(), config.tls(), ctx));
            }
            if (l.ws().enabled()) {
                bound.put("ws", server.bindWs(l.ws(), ctx));
            }
            if (l.wss().enabled()) {
                bound.put("wss", server.bindTls("wss", l.wss(), config.tls(), ctx));
            }
            if (l.tls().enabled() || l.wss().enabled()) {
                long every = config.tls().reloadInterval().toMillis();
                server.workers().next().scheduleWithFixedDelay(server::checkTlsFiles, every, every,
                        TimeUnit.MILLISECONDS);
            }
            security.scheduleReloads(server.workers().next(), config.auth().reloadInterval().toMillis());
            listenersBound.set(true);
            ScheduledFuture<?> sysTask = null;
            if (config.sys().enabled()) {
                ClusterNode members = cluster;
                SysTopicsPublisher sys = new SysTopicsPublisher(router, stats, store, version(), clock,
                        members == null ? null : () -> String.join(",", new java.util.TreeSet<>(members.members())));
                long interval = Math.max(1, config.sys().interval().toMillis());
                sysTask = server.workers().next().scheduleAtFixedRate(sys, 0, interval, TimeUnit.MILLISECONDS);
            }
            // Expired retained messages are never delivered (checked at delivery); this frees their memory.
            server.workers().next().scheduleAtFixedRate(
                    () -> router.retained().removeExpired(clock.getAsLong()), 60, 60, TimeUnit.SECONDS);
            LOG.info("FleetMQ {} node {} started (config: {})", version(), config.nodeName(), config.source());
            return new FleetMqBroker(config, metrics, readiness, listenersBound, server, http, sessions, router, bound,
                    sysTask, cluster, security);
        } catch (FileFormatException e) {
            stopAfterFailedStart(cluster, server, http, metrics, security);
            // A certificate, password, JWKS or ACL file that cannot be used is bad input, like a bad key.
            throw new ConfigException(e.getMessage(), e);
        } catch (RuntimeException | InterruptedException e) {
            stopAfterFailedStart(cluster, server, http, metrics, security);
            throw e;
        } catch (Exception e) {
            stopAfterFailedStart(cluster, server, http, metrics, security);
            throw new ClusterJoinException("cannot join cluster '" + config.cluster().name() + "' on "
                    + config.cluster().bind() + ":" + config.cluster().port() + ": " + e.getMessage(), e);
        }
    }

    /** Per-peer send queue series that come and go with the cluster's members. */
    private static ClusterNode.PeerMetrics peerMetrics(BrokerMetrics metrics) {
        Map<String, Runnable> removers = new java.util.concurrent.ConcurrentHashMap<>();
        return new ClusterNode.PeerMetrics() {
            @Override
            public void peerAdded(String peer, LongSupplier queued, LongSupplier dropped) {
                peerRemoved(peer);
                removers.put(peer, metrics.clusterPeer(peer, queued, dropped));
            }

            @Override
            public void peerRemoved(String peer) {
                Runnable remove = removers.remove(peer);
                if (remove != null) {
                    remove.run();
                }
            }
        };
    }

    /** The cluster membership could not start (port taken, bad address...). */
    public static final class ClusterJoinException extends RuntimeException {
        ClusterJoinException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** This node's cluster membership, or null when {@code cluster.enabled} is false. */
    public ClusterNode cluster() {
        return cluster;
    }

    /** Undoes a start that failed half-way: nothing stays bound or running. */
    private static void stopAfterFailedStart(ClusterNode cluster, MqttServer server, HttpListener http,
                                             BrokerMetrics metrics, Security security) {
        if (cluster != null) {
            cluster.close();
        }
        server.shutdown(Duration.ZERO);
        if (http != null) {
            http.close();
        }
        metrics.close();
        if (security != null) {
            security.close();
        }
    }

    /** The broker's version, from the jar manifest when packaged. */
    public static String version() {
        String v = FleetMqBroker.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    /** Address the TCP listener is bound to (the real port when configured with port 0). */
    public InetSocketAddress tcpAddress() {
        return listenerAddress("tcp");
    }

    /** Address of listener {@code name} ({@code tcp}, {@code tls}, {@code ws}, {@code wss}). */
    public InetSocketAddress listenerAddress(String name) {
        InetSocketAddress a = listeners.get(name);
        if (a == null) {
            throw new IllegalStateException("the " + name + " listener is disabled (listeners." + name
                    + ".enabled=false)");
        }
        return a;
    }

    /** Re-reads changed TLS, password, JWKS and ACL files now instead of at the next interval (for tests). */
    public void checkFilesNow() {
        server.checkTlsFiles();
        security.checkFiles();
    }

    /** Address the HTTP listener (/metrics, /healthz, /readyz, admin API) is bound to; the real port with 0. */
    public InetSocketAddress httpAddress() {
        if (http == null) {
            throw new IllegalStateException("the HTTP listener is disabled (http.enabled=false)");
        }
        return http.address();
    }

    public BrokerConfig config() {
        return config;
    }

    public BrokerStats stats() {
        return metrics.stats();
    }

    /** The node's metrics registry, for subsystems that add gauges from the {@code Metric} catalogue. */
    public BrokerMetrics metrics() {
        return metrics;
    }

    /** The checks behind {@code /readyz}; register more (e.g. cluster membership) with {@code register}. */
    public Readiness readiness() {
        return readiness;
    }

    public PublishRouter router() {
        return router;
    }

    public SessionManager sessions() {
        return sessions;
    }

    /**
     * Graceful shutdown: stop accepting, tell v5 clients 0x8B, flush and close within {@code shutdown.gracePeriod}.
     * Wills are not published: a broker restart is not a device failure. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (cluster != null) {
            drain();
        }
        LOG.info("shutting down: {} client connections, grace period {} ms", server.clientCount(),
                config.shutdown().gracePeriod().toMillis());
        // Not ready from here on: load balancers stop sending new clients while the grace period runs.
        listenersBound.set(false);
        sessions.shuttingDown();
        if (sysTask != null) {
            sysTask.cancel(false);
        }
        server.shutdown(config.shutdown().gracePeriod());
        if (cluster != null) {
            cluster.close();
        }
        security.close();
        // Last, so probes and scrapes see the shutdown through to the end.
        if (http != null) {
            http.close();
        }
        metrics.close();
        LOG.info("stopped");
    }

    /**
     * Scale-in without loss: stop accepting, tell clients to move at {@code cluster.drainRate} per second (the load
     * balancer sends them to the other nodes, which claim their sessions from here), then hand the remaining offline
     * persistent sessions to the other nodes. No wills: a drained node is not a failed device.
     */
    private void drain() {
        long started = System.nanoTime();
        long deadline = started + config.cluster().drainTimeout().toNanos();
        LOG.info("draining: {} clients to move at {}/s, then persistent sessions to {}", server.clientCount(),
                config.cluster().drainRate(), cluster.members());
        server.closeListeners();
        sessions.shuttingDown();
        try {
            int left = server.drainClients(config.cluster().drainRate(), deadline);
            int handed = cluster.handOffSessions();
            LOG.info("drained in {} ms: {} sessions handed to other nodes{}",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), handed,
                    left == 0 ? "" : ", " + left + " clients still connected (closed now)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("drain interrupted");
        }
    }
}
