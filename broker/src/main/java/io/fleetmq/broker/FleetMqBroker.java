package io.fleetmq.broker;

import io.fleetmq.broker.auth.Security;
import io.fleetmq.broker.config.BrokerConfig;
import io.fleetmq.broker.config.ConfigException;
import io.fleetmq.broker.config.ListenersConfig;
import io.fleetmq.broker.files.FileFormatException;
import io.fleetmq.broker.metrics.BrokerStats;
import io.fleetmq.broker.protocol.BrokerContext;
import io.fleetmq.broker.protocol.ConnectionLimits;
import io.fleetmq.broker.routing.InMemoryRetainedStore;
import io.fleetmq.broker.routing.PublishRouter;
import io.fleetmq.broker.routing.TopicTreeSubscriptionRegistry;
import io.fleetmq.broker.session.InMemorySessionStore;
import io.fleetmq.broker.session.SessionManager;
import io.fleetmq.broker.sys.SysTopicsPublisher;
import io.fleetmq.broker.transport.MqttServer;
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
    private final BrokerStats stats;
    private final MqttServer server;
    private final SessionManager sessions;
    private final PublishRouter router;
    private final Map<String, InetSocketAddress> listeners;
    private final ScheduledFuture<?> sysTask;
    private final Security security;
    private final AtomicBoolean closed = new AtomicBoolean();

    private FleetMqBroker(BrokerConfig config, BrokerStats stats, MqttServer server, SessionManager sessions,
                          PublishRouter router, Map<String, InetSocketAddress> listeners, ScheduledFuture<?> sysTask,
                          Security security) {
        this.config = config;
        this.stats = stats;
        this.server = server;
        this.sessions = sessions;
        this.router = router;
        this.listeners = Map.copyOf(listeners);
        this.sysTask = sysTask;
        this.security = security;
    }

    public static FleetMqBroker start(BrokerConfig config) throws InterruptedException {
        LongSupplier clock = System::nanoTime;
        BrokerStats stats = new BrokerStats();
        MqttServer server = new MqttServer(config.transport().nativeEpoll(), config.transport().ioThreads());
        Security security = null;
        try {
            InMemorySessionStore store = new InMemorySessionStore();
            SessionManager sessions = new SessionManager(store, config.sessions(), stats, server.workers(), clock);
            PublishRouter router = new PublishRouter(new TopicTreeSubscriptionRegistry(), new InMemoryRetainedStore(),
                    store, stats, config.mqtt().retainAvailable());
            sessions.events(router);
            security = Security.create(config.auth(), clock);
            BrokerContext ctx = new BrokerContext(config, sessions, router, stats, clock, security,
                    new ConnectionLimits(config.limits(), stats, clock));
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
            ScheduledFuture<?> sysTask = null;
            if (config.sys().enabled()) {
                SysTopicsPublisher sys = new SysTopicsPublisher(router, stats, store, version(), clock);
                long interval = Math.max(1, config.sys().interval().toMillis());
                sysTask = server.workers().next().scheduleAtFixedRate(sys, 0, interval, TimeUnit.MILLISECONDS);
            }
            // Expired retained messages are never delivered (checked at delivery); this frees their memory.
            server.workers().next().scheduleAtFixedRate(
                    () -> router.retained().removeExpired(clock.getAsLong()), 60, 60, TimeUnit.SECONDS);
            LOG.info("FleetMQ {} node {} started (config: {})", version(), config.nodeName(), config.source());
            return new FleetMqBroker(config, stats, server, sessions, router, bound, sysTask, security);
        } catch (FileFormatException e) {
            closeQuietly(security);
            server.shutdown(Duration.ZERO);
            // A certificate, password, JWKS or ACL file that cannot be used is bad input, like a bad key.
            throw new ConfigException(e.getMessage(), e);
        } catch (RuntimeException | InterruptedException e) {
            closeQuietly(security);
            server.shutdown(Duration.ZERO);
            throw e;
        }
    }

    private static void closeQuietly(Security s) {
        if (s != null) {
            s.close();
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

    public BrokerConfig config() {
        return config;
    }

    public BrokerStats stats() {
        return stats;
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
        LOG.info("shutting down: {} client connections, grace period {} ms", server.clientCount(),
                config.shutdown().gracePeriod().toMillis());
        sessions.shuttingDown();
        if (sysTask != null) {
            sysTask.cancel(false);
        }
        server.shutdown(config.shutdown().gracePeriod());
        security.close();
        LOG.info("stopped");
    }
}
