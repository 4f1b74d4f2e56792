package io.fleetmq.broker.metrics;

import io.fleetmq.broker.routing.RetainedStore;
import io.fleetmq.broker.routing.SubscriptionRegistry;
import io.fleetmq.broker.session.Session;
import io.fleetmq.broker.session.SessionStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/**
 * The node's Prometheus registry: the {@link Metric} catalogue bound to {@link BrokerStats} and to the live stores,
 * JVM and process metrics, and the common tag {@code node}. Counters are {@link FunctionCounter}s over the stats'
 * adders and gauges read the stores, so nothing here runs per message; work happens only when {@code /metrics} is
 * scraped.
 */
public final class BrokerMetrics implements AutoCloseable {
    /** Delivery latency buckets: sub-millisecond on an idle node up to queued copies delivered seconds later. */
    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5),
        Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2_500),
        Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final PrometheusMeterRegistry registry;
    private final BrokerStats stats;
    private final JvmGcMetrics gc;

    private BrokerMetrics(PrometheusMeterRegistry registry, BrokerStats stats, JvmGcMetrics gc) {
        this.registry = registry;
        this.stats = stats;
        this.gc = gc;
    }

    /** A registry tagged {@code node=nodeName}, with JVM/process metrics and the stats' counters registered. */
    public static BrokerMetrics create(String nodeName) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("node", nodeName);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);

        Timer latency = Timer.builder(Metric.DELIVERY_LATENCY.meterName())
                .description(Metric.DELIVERY_LATENCY.description())
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
        BrokerStats stats = new BrokerStats(nanos -> latency.record(nanos, TimeUnit.NANOSECONDS));
        BrokerMetrics m = new BrokerMetrics(registry, stats, gc);
        m.bindStats();
        return m;
    }

    private void bindStats() {
        gauge(Metric.CONNECTIONS, Tags.empty(), stats.connectedClients::get);
        counter(Metric.CONNECTIONS_OPENED, Tags.empty(), stats.connectionsOpened);
        counter(Metric.CLIENTS_CONNECTED, Tags.empty(), stats.clientsConnected);
        for (CloseReason r : CloseReason.values()) {
            counter(Metric.CONNECTIONS_CLOSED, Tags.of("reason", r.label()), stats.closedCounter(r));
        }
        counter(Metric.AUTH_FAILURES, Tags.empty(), stats.authFailures);
        counter(Metric.PROXY_HEADERS_REFUSED, Tags.of("reason", "untrusted_source"),
                stats.proxyProtocolUntrustedSource);
        counter(Metric.PROXY_HEADERS_REFUSED, Tags.of("reason", "invalid_header"), stats.proxyProtocolRejected);
        counter(Metric.MALFORMED_PACKETS, Tags.empty(), stats.malformedPackets);
        counter(Metric.SESSIONS_STARTED, Tags.empty(), stats.sessionsStarted);
        counter(Metric.SESSIONS_RESUMED, Tags.empty(), stats.sessionsResumed);
        counter(Metric.SESSIONS_TAKEN_OVER, Tags.empty(), stats.sessionsTakenOver);
        counter(Metric.SESSIONS_EXPIRED, Tags.empty(), stats.sessionsExpired);
        counter(Metric.SESSIONS_EVICTED, Tags.empty(), stats.sessionsEvicted);
        counter(Metric.CLIENT_ID_TAKEOVERS_REFUSED, Tags.empty(), stats.clientIdTakeoversRefused);
        for (int qos = 0; qos <= 2; qos++) {
            Tags q = Tags.of("qos", Integer.toString(qos));
            counter(Metric.MESSAGES_RECEIVED, q, stats.receivedCounter(qos));
            counter(Metric.MESSAGES_SENT, q, stats.sentCounter(qos));
        }
        for (DropReason r : DropReason.values()) {
            for (int qos = 0; qos <= 2; qos++) {
                counter(Metric.MESSAGES_DROPPED, Tags.of("reason", r.label(), "qos", Integer.toString(qos)),
                        stats.droppedCounter(r, qos));
            }
        }
        for (LimitReason r : LimitReason.values()) {
            counter(Metric.LIMIT_REFUSALS, Tags.of("limit", r.label()), stats.limitCounter(r));
        }
        counter(Metric.MESSAGES_UNROUTED, Tags.empty(), stats.unrouted);
        counter(Metric.BYTES_RECEIVED, Tags.empty(), stats.bytesReceived);
        counter(Metric.BYTES_SENT, Tags.empty(), stats.bytesSent);
        gauge(Metric.UPTIME, Tags.empty(), stats::uptimeSeconds);
    }

    /** Binds the gauges that read the node's stores; called once they exist. */
    public void bindStores(SessionStore sessions, SubscriptionRegistry subscriptions, RetainedStore retained,
                           LongSupplier nanoClock) {
        SessionCensus census = new SessionCensus(sessions, nanoClock);
        gauge(Metric.SESSIONS, Tags.empty(), sessions::size);
        gauge(Metric.SESSIONS_PERSISTENT, Tags.empty(), () -> census.get().persistent());
        gauge(Metric.INFLIGHT_MESSAGES, Tags.empty(), () -> census.get().inflight());
        gauge(Metric.QUEUED_MESSAGES, Tags.empty(), () -> census.get().queued());
        gauge(Metric.SUBSCRIPTIONS, Tags.empty(), subscriptions::size);
        gauge(Metric.SUBSCRIPTIONS_SHARED, Tags.empty(), subscriptions::sharedSize);
        gauge(Metric.RETAINED_MESSAGES, Tags.empty(), retained::size);
        gauge(Metric.RETAINED_BYTES, Tags.empty(), retained::bytes);
    }

    /**
     * Registers a gauge from the catalogue; the way later subsystems (the cluster's member count) add theirs.
     *
     * @throws IllegalArgumentException when {@code metric} is not a gauge
     */
    public void gauge(Metric metric, Tags tags, LongSupplier value) {
        if (metric.kind() != Metric.Kind.GAUGE) {
            throw new IllegalArgumentException(metric + " is a " + metric.kind() + ", not a gauge");
        }
        Gauge.builder(metric.meterName(), value, v -> (double) v.getAsLong())
                .description(metric.description()).tags(tags).strongReference(true).register(registry);
    }

    /**
     * Registers one cluster peer's send queue series ({@link Metric#CLUSTER_PEER_QUEUED},
     * {@link Metric#CLUSTER_PEER_FORWARDS_DROPPED}) tagged {@code peer}.
     *
     * @return removes both series again (the peer left); hold it, it also keeps the suppliers reachable
     */
    public Runnable clusterPeer(String peer, LongSupplier queued, LongSupplier dropped) {
        Tags tags = Tags.of("peer", peer);
        Meter gauge = Gauge.builder(Metric.CLUSTER_PEER_QUEUED.meterName(), queued, v -> (double) v.getAsLong())
                .description(Metric.CLUSTER_PEER_QUEUED.description()).tags(tags).strongReference(true)
                .register(registry);
        Meter counter = FunctionCounter.builder(Metric.CLUSTER_PEER_FORWARDS_DROPPED.meterName(), dropped,
                        v -> (double) v.getAsLong())
                .description(Metric.CLUSTER_PEER_FORWARDS_DROPPED.description()).tags(tags).register(registry);
        return () -> {
            registry.remove(gauge);
            registry.remove(counter);
        };
    }

    private void counter(Metric metric, Tags tags, LongAdder adder) {
        ToDoubleFunction<LongAdder> read = LongAdder::sum;
        // The stats object holds the adders for the node's lifetime, so Micrometer's weak reference stays valid.
        FunctionCounter.builder(metric.meterName(), adder, read)
                .description(metric.description()).tags(tags).register(registry);
    }

    public BrokerStats stats() {
        return stats;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition of every metric. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    /**
     * Totals over all sessions, computed at most once a second: a scrape reads three gauges from one pass, and
     * frequent scrapes of a node with many sessions do not each lock every session.
     */
    private static final class SessionCensus {
        record Totals(long persistent, long inflight, long queued) {
        }

        private static final long MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(1);
        private final SessionStore sessions;
        private final LongSupplier nanoClock;
        private Totals totals;
        private long takenAt;

        SessionCensus(SessionStore sessions, LongSupplier nanoClock) {
            this.sessions = sessions;
            this.nanoClock = nanoClock;
        }

        synchronized Totals get() {
            long now = nanoClock.getAsLong();
            if (totals == null || now - takenAt >= MAX_AGE_NANOS) {
                long persistent = 0;
                long inflight = 0;
                long queued = 0;
                for (Session s : sessions.all()) {
                    if (s.expiryIntervalSeconds() > 0) {
                        persistent++;
                    }
                    inflight += s.inflightCount();
                    queued += s.queuedCount();
                }
                totals = new Totals(persistent, inflight, queued);
                takenAt = now;
            }
            return totals;
        }
    }
}
