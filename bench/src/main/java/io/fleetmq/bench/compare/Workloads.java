package io.fleetmq.bench.compare;

import io.fleetmq.bench.run.BenchPlan;
import io.fleetmq.bench.run.LocalRun;
import io.fleetmq.bench.run.Mode;
import io.fleetmq.bench.run.StopSignal;
import io.fleetmq.bench.stats.BenchClock;
import io.fleetmq.bench.stats.Snapshot;
import io.netty.handler.ssl.SslContext;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The measurements of {@code bench compare}, each against one broker, with the bench's own clients in this process
 * ({@link BenchPlan} + {@link LocalRun}): no second client implementation. MQTT 3.1.1, clean sessions.
 */
final class Workloads {
    static final int MQTT_VERSION = 4;
    static final int PAYLOAD_BYTES = 64;
    private static final int IO_THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());
    private static final long CONNECT_TIMEOUT_SECS = 300;

    /** Idle connections come from these source addresses (each has its own ephemeral port range). */
    private static final List<String> IDLE_ADDRS = List.of("127.0.0.2", "127.0.0.3");
    /** The connection-rate clients use others, so sockets left in TIME_WAIT by the idle run cannot get in the way. */
    private static final List<String> RATE_ADDRS = List.of("127.0.0.4", "127.0.0.5");
    /** And the TLS connects others again. */
    private static final List<String> TLS_ADDRS = List.of("127.0.0.6", "127.0.0.7");
    /** TLS connections made and closed before the measured ones, so JIT and class loading are not counted. */
    private static final int TLS_WARMUP = 20;
    /** A broker is quiet when it used at most this much CPU in one second (5% of a core)... */
    private static final long QUIET_CPU_MILLIS = 50;
    /** ... or after this long. */
    private static final int QUIET_TIMEOUT_SECS = 30;
    /** How long a delivery check may take, all messages included. */
    private static final long DELIVERY_TIMEOUT_SECS = 120;

    private final PrintWriter progress;
    private final StopSignal stop;
    private final long startNanos = System.nanoTime();
    private final AtomicInteger runs = new AtomicInteger();

    Workloads(PrintWriter progress, StopSignal stop) {
        this.progress = progress;
        this.stop = stop;
    }

    record Memory(int requested, long connected, long rssBeforeKb, long rssAfterKb) {
        double kbPerConnection() {
            return connected == 0 ? Double.NaN : (rssAfterKb - rssBeforeKb) / (double) connected;
        }
    }

    /** A counted round trip: every publish acknowledged, {@code received} at the subscribers, broker CPU over it. */
    record Delivery(long sent, long acked, long received, long cpuMillis) {
        boolean complete() {
            return received == sent && acked == sent;
        }

        double cpuMicrosPerMessage() {
            return received == 0 ? Double.NaN : cpuMillis * 1000.0 / received;
        }
    }

    /** {@code cpuMillis}: the broker's CPU time from the first connect to the last CONNACK. */
    record ConnRate(int requested, long connected, long failed, double perSecond, long cpuMillis) {
        double cpuMicrosPerConnect() {
            return connected == 0 ? Double.NaN : cpuMillis * 1000.0 / connected;
        }
    }

    /**
     * Mutual-TLS connects (full handshakes): rate, the broker's CPU from the first connect to the last CONNACK, and
     * its RSS before the connects and with all of them open ({@code settle} seconds later).
     */
    record TlsConnect(int requested, long connected, long failed, double perSecond, long cpuMillis, long rssBeforeKb,
                      long rssAfterKb) {
        double cpuMicrosPerConnect() {
            return connected == 0 ? Double.NaN : cpuMillis * 1000.0 / connected;
        }

        double kbPerConnection() {
            return connected == 0 ? Double.NaN : (rssAfterKb - rssBeforeKb) / (double) connected;
        }
    }

    /**
     * Delivered messages per second at the subscribers; latency over the same window, in microseconds; the broker's
     * CPU time over the same window.
     */
    record Flow(long received, double seconds, double receivedPerSecond, double sentPerSecond, Histogram latencies,
                long brokerCpuMillis, long subscribersFailed, long publishersFailed) {
        /** Broker CPU per delivered message, µs: what the broker spent on receiving, routing and sending one. */
        double cpuMicrosPerMessage() {
            return received == 0 ? Double.NaN : brokerCpuMillis * 1000.0 / received;
        }

        double p50Ms() {
            return latencies.getTotalCount() == 0 ? Double.NaN : latencies.getValueAtPercentile(50) / 1000.0;
        }

        double p99Ms() {
            return latencies.getTotalCount() == 0 ? Double.NaN : latencies.getValueAtPercentile(99) / 1000.0;
        }
    }

    void log(String format, Object... args) {
        long s = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
        progress.println(String.format(Locale.ROOT, "[compare %4ds] ", s) + String.format(Locale.ROOT, format, args));
        progress.flush();
    }

    private BenchPlan plan(Mode mode, BrokerProcess b, int count, String topic, int qos, long publishIntervalMs,
                           List<String> ifaddrs, String prefix) {
        return plan(mode, b, count, topic, qos, publishIntervalMs, 0, ifaddrs, prefix, null);
    }

    /** @param tls null: plain MQTT on {@link BrokerProcess#port()}; else this context on {@link BrokerProcess#tlsPort()} */
    private BenchPlan plan(Mode mode, BrokerProcess b, int count, String topic, int qos, long publishIntervalMs,
                           long limit, List<String> ifaddrs, String prefix, SslContext tls) {
        List<InetAddress> addrs = ifaddrs.stream().map(Workloads::address).toList();
        return new BenchPlan(mode, List.of("127.0.0.1"), tls == null ? b.port() : b.tlsPort(), MQTT_VERSION, count,
                0, 0, topic, qos,
                PAYLOAD_BYTES, publishIntervalMs, limit, qos > 0 ? BrokerProcess.MAX_INFLIGHT : 1, 300, true, 0,
                null, null, addrs, tls, 0, 0, IO_THREADS,
                prefix + "_" + ProcessHandle.current().pid() + "_" + runs.incrementAndGet());
    }

    private static InetAddress address(String a) {
        try {
            return InetAddress.getByName(a);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until {@code done} holds for the run's counters; logs every 5 s; fails on timeout, stop or a dead broker. */
    private Snapshot await(LocalRun run, BrokerProcess b, String what, Predicate<Snapshot> done) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CONNECT_TIMEOUT_SECS);
        long nextLog = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            Snapshot s = run.stats().snapshot();
            if (done.test(s)) {
                return s;
            }
            checkAlive(b);
            long now = System.nanoTime();
            if (now > deadline) {
                throw new IllegalStateException(b.name() + ": " + what + " not done after " + CONNECT_TIMEOUT_SECS
                        + " s (connected " + s.connected() + ", failed " + s.connFailed() + ", subscribed "
                        + s.subscribed() + ")");
            }
            if (now > nextLog) {
                log("  %s %s: connected %d, failed %d, subscribed %d", b.name(), what, s.connected(), s.connFailed(),
                        s.subscribed());
                nextLog = now + TimeUnit.SECONDS.toNanos(5);
            }
            sleepMillis(20);
        }
    }

    /**
     * Waits (up to {@value #QUIET_TIMEOUT_SECS} s) until the broker used at most {@value #QUIET_CPU_MILLIS} ms of CPU
     * in the last second: a broker still draining the previous workload's backlog (queued messages, closing
     * connections) would otherwise be charged for it in the next one. Logs when it does not get quiet.
     */
    void awaitQuiet(BrokerProcess b) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(QUIET_TIMEOUT_SECS);
        long prev = b.cpuMillis();
        while (true) {
            sleepMillis(1000);
            checkAlive(b);
            long now = b.cpuMillis();
            if (now - prev <= QUIET_CPU_MILLIS) {
                return;
            }
            if (System.nanoTime() > deadline) {
                log("  %s still busy (%d ms CPU in the last second) after %d s; going on", b.name(), now - prev,
                        QUIET_TIMEOUT_SECS);
                return;
            }
            prev = now;
        }
    }

    private void checkAlive(BrokerProcess b) {
        if (stop.requested()) {
            throw new IllegalStateException("stopped (interrupt)");
        }
        if (!b.alive()) {
            throw new IllegalStateException(b.name() + " exited during the run; log: " + b.logTail());
        }
    }

    private void sleepMillis(long ms) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (System.nanoTime() < end) {
            if (stop.requested()) {
                throw new IllegalStateException("stopped (interrupt)");
            }
            try {
                Thread.sleep(Math.min(100, Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    /**
     * RSS growth per idle connection: 200 connections made and closed first (so class loading and JIT for the
     * connection path are not counted), RSS read, {@code n} clients connected (keep alive 300 s) as fast as they go,
     * 3 s to settle, RSS read again. Divided by the connections actually made.
     */
    Memory memory(BrokerProcess b, int n, int settleSecs) throws IOException {
        awaitQuiet(b);
        log("memory %s: warm-up, then %,d idle connections", b.name(), n);
        LocalRun warm = new LocalRun(plan(Mode.CONN, b, 200, null, 0, 0, IDLE_ADDRS, "cmp_warm"));
        try {
            warm.start();
            await(warm, b, "warm-up", s -> s.connected() + s.connFailed() >= 200);
        } finally {
            warm.stop();
        }
        sleepMillis(1000);
        long before = b.rssKb();
        LocalRun run = new LocalRun(plan(Mode.CONN, b, n, null, 0, 0, IDLE_ADDRS, "cmp_idle"));
        try {
            run.start();
            Snapshot s = await(run, b, "idle connections", x -> x.connected() + x.connFailed() >= n);
            sleepMillis(settleSecs * 1000L);
            checkAlive(b);
            long after = b.rssKb();
            Memory m = new Memory(n, s.connected(), before, after);
            log("memory %s: %,d connected (%d failed), RSS %,d -> %,d KB: %.2f KB/connection", b.name(),
                    s.connected(), s.connFailed(), before, after, m.kbPerConnection());
            return m;
        } finally {
            run.stop();
        }
    }

    /** {@code n} clients connect with up to 2,048 connects pending; rate = CONNACKs / time to the last CONNACK. */
    ConnRate connectionRate(BrokerProcess b, int n) throws IOException {
        awaitQuiet(b);
        log("connection rate %s: %,d connects as fast as possible", b.name(), n);
        LocalRun run = new LocalRun(plan(Mode.CONN, b, n, null, 0, 0, RATE_ADDRS, "cmp_rate"));
        try {
            long cpu0 = b.cpuMillis();
            long start = BenchClock.epochMicros();
            run.start();
            Snapshot s = await(run, b, "connects", x -> x.connected() + x.connFailed() >= n);
            long cpu = b.cpuMillis() - cpu0;
            double secs = Math.max(1e-6, (s.lastConnect() - start) / 1e6);
            ConnRate r = new ConnRate(n, s.connected(), s.connFailed(), s.connected() / secs, cpu);
            log("connection rate %s: %,d connected, %d failed in %.2f s: %,.0f/s, broker CPU %,d ms (%.0f µs/connect)",
                    b.name(), s.connected(), s.connFailed(), secs, r.perSecond(), cpu, r.cpuMicrosPerConnect());
            return r;
        } finally {
            run.stop();
        }
    }

    /**
     * Subscribers connect and subscribe first; then publishers connect and publish ({@code publishIntervalMs} 0: as
     * fast as the socket and, for QoS 1, {@value BrokerProcess#MAX_INFLIGHT} in flight per publisher allow). After
     * {@code warmupMillis}, messages received are counted for {@code seconds}.
     *
     * @param perClientTopics true: publisher i and subscriber i share topic i (pairs); false: one topic for all
     */
    Flow flow(String label, BrokerProcess b, int publishers, int subscribers, boolean perClientTopics, int qos,
              long publishIntervalMs, long warmupMillis, long seconds) throws IOException {
        awaitQuiet(b);
        log("%s %s: %d subscribers, %d publishers, QoS %d, %d s", label, b.name(), subscribers, publishers, qos,
                seconds);
        String topic = "cmp/" + runs.incrementAndGet() + (perClientTopics ? "/%i" : "");
        LocalRun subs = new LocalRun(plan(Mode.SUB, b, subscribers, topic, qos, 0, List.of(), "cmp_sub"));
        LocalRun pubs = null;
        try {
            subs.start();
            Snapshot ss = await(subs, b, "subscribe",
                    x -> x.subscribed() + x.subFailed() + x.connFailed() >= subscribers);
            long subsFailed = ss.connFailed() + ss.subFailed();
            if (subsFailed >= subscribers) {
                throw new IllegalStateException(b.name() + ": every subscriber failed (" + ss.connFailed()
                        + " connects, " + ss.subFailed() + " subscriptions refused)");
            }
            pubs = new LocalRun(plan(Mode.PUB, b, publishers, topic, qos, publishIntervalMs, List.of(), "cmp_pub"));
            pubs.start();
            LocalRun p = pubs;
            // Publishers start sending as soon as each is connected, so a broker that falls behind may leave the last
            // ones without a CONNACK (30 s): the run goes on with those that connected and the report says so.
            Snapshot ps = await(pubs, b, "publishers", x -> x.connected() + x.connFailed() >= publishers);
            if (ps.connected() == 0) {
                throw new IllegalStateException(b.name() + ": no publisher could connect");
            }
            if (subsFailed > 0 || ps.connFailed() > 0) {
                log("  %s: %d of %d subscribers and %d of %d publishers failed; measuring with the others", b.name(),
                        subsFailed, subscribers, ps.connFailed(), publishers);
            }
            sleepMillis(warmupMillis);
            long c0 = b.cpuMillis();
            long r0 = subs.stats().snapshot().received();
            long s0 = p.stats().snapshot().sent();
            Histogram h0 = subs.stats().latencies();
            long t0 = System.nanoTime();
            sleepMillis(seconds * 1000);
            checkAlive(b);
            long r1 = subs.stats().snapshot().received();
            long s1 = p.stats().snapshot().sent();
            Histogram h1 = subs.stats().latencies();
            long c1 = b.cpuMillis();
            double secs = (System.nanoTime() - t0) / 1e9;
            h1.subtract(h0);
            Flow f = new Flow(r1 - r0, secs, (r1 - r0) / secs, (s1 - s0) / secs, h1, c1 - c0, subsFailed,
                    ps.connFailed());
            log("%s %s: %,.0f msg/s delivered (%,.0f msg/s published), latency p50 %.2f ms p99 %.2f ms, broker CPU "
                    + "%.1f µs/msg", label, b.name(), f.receivedPerSecond(), f.sentPerSecond(), f.p50Ms(), f.p99Ms(),
                    f.cpuMicrosPerMessage());
            return f;
        } finally {
            if (pubs != null) {
                pubs.stop();
            }
            subs.stop();
        }
    }

    /**
     * {@code n} clients connect over mutual TLS ({@code tls}: the run's client certificate, a full handshake each,
     * never a resumed session) with up to 2,048 connects pending; {@value #TLS_WARMUP} TLS connections are made and
     * closed first. Broker CPU from the first connect to the last CONNACK; RSS before, and {@code settleSecs} after,
     * with all connections still open.
     */
    TlsConnect tlsConnect(BrokerProcess b, int n, SslContext tls, int settleSecs) throws IOException {
        awaitQuiet(b);
        log("TLS connect %s: %d warm-up, then %,d mutual-TLS connects (full handshakes)", b.name(), TLS_WARMUP, n);
        LocalRun warm = new LocalRun(plan(Mode.CONN, b, TLS_WARMUP, null, 0, 0, 0, TLS_ADDRS, "cmp_tlswarm", tls));
        try {
            warm.start();
            Snapshot w = await(warm, b, "TLS warm-up", s -> s.connected() + s.connFailed() >= TLS_WARMUP);
            if (w.connected() == 0) {
                throw new IllegalStateException(b.name() + ": none of " + TLS_WARMUP
                        + " mutual-TLS warm-up connects succeeded; log: " + b.logTail());
            }
            if (w.connFailed() > 0) {
                // On a crowded machine a handshake can outlast the broker's wait for CONNECT (10 s for FleetMQ and
                // HiveMQ CE); the warm-up only has to load and compile the TLS path, so it goes on.
                log("  %s: %d of %d TLS warm-up connects failed", b.name(), w.connFailed(), TLS_WARMUP);
            }
        } finally {
            warm.stop();
        }
        sleepMillis(1000);
        long rss0 = b.rssKb();
        LocalRun run = new LocalRun(plan(Mode.CONN, b, n, null, 0, 0, 0, TLS_ADDRS, "cmp_tls", tls));
        try {
            long cpu0 = b.cpuMillis();
            long start = BenchClock.epochMicros();
            run.start();
            Snapshot s = await(run, b, "TLS connects", x -> x.connected() + x.connFailed() >= n);
            long cpu = b.cpuMillis() - cpu0;
            double secs = Math.max(1e-6, (s.lastConnect() - start) / 1e6);
            sleepMillis(settleSecs * 1000L);
            checkAlive(b);
            long rss1 = b.rssKb();
            TlsConnect t = new TlsConnect(n, s.connected(), s.connFailed(), s.connected() / secs, cpu, rss0, rss1);
            log("TLS connect %s: %,d connected, %d failed in %.2f s: %,.0f/s, broker CPU %,d ms (%.0f µs/connect), "
                            + "RSS %,d -> %,d KB (%.2f KB/connection)", b.name(), s.connected(), s.connFailed(), secs,
                    t.perSecond(), cpu, t.cpuMicrosPerConnect(), rss0, rss1, t.kbPerConnection());
            return t;
        } finally {
            run.stop();
        }
    }

    /**
     * The delivery check: {@code pairs} subscribers, then {@code pairs} publishers each sending {@code perPublisher}
     * QoS 1 messages to its own subscriber (up to {@value BrokerProcess#MAX_INFLIGHT} in flight). Done when every
     * publish is acknowledged and as many arrived, or when nothing more arrives for 10 s (then it reports what
     * arrived), or after {@value #DELIVERY_TIMEOUT_SECS} s.
     */
    Delivery delivery(BrokerProcess b, int pairs, int perPublisher) throws IOException {
        awaitQuiet(b);
        long total = (long) pairs * perPublisher;
        log("delivery check %s: %d pairs, %,d QoS 1 messages", b.name(), pairs, total);
        String topic = "cmp/" + runs.incrementAndGet() + "/%i";
        LocalRun subs = new LocalRun(plan(Mode.SUB, b, pairs, topic, 1, 0, List.of(), "cmp_dsub"));
        LocalRun pubs = null;
        try {
            subs.start();
            Snapshot ss = await(subs, b, "subscribe", x -> x.subscribed() + x.connFailed() + x.subFailed() >= pairs);
            if (ss.connFailed() > 0 || ss.subFailed() > 0) {
                throw new IllegalStateException(b.name() + ": " + ss.connFailed() + " subscribers failed to connect, "
                        + ss.subFailed() + " subscriptions refused");
            }
            long cpu0 = b.cpuMillis();
            pubs = new LocalRun(plan(Mode.PUB, b, pairs, topic, 1, 0, total, List.of(), "cmp_dpub", null));
            pubs.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DELIVERY_TIMEOUT_SECS);
            long lastProgress = System.nanoTime();
            long lastCount = -1;
            Snapshot p;
            long received;
            while (true) {
                p = pubs.stats().snapshot();
                received = subs.stats().snapshot().received();
                if (p.acked() >= total && received >= total) {
                    break;
                }
                long now = System.nanoTime();
                if (received + p.acked() != lastCount) {
                    lastCount = received + p.acked();
                    lastProgress = now;
                } else if (now - lastProgress > TimeUnit.SECONDS.toNanos(10) || now > deadline) {
                    break;
                }
                if (p.connFailed() > 0) {
                    throw new IllegalStateException(b.name() + ": " + p.connFailed() + " publishers failed to connect");
                }
                checkAlive(b);
                sleepMillis(20);
            }
            Delivery d = new Delivery(p.sent(), p.acked(), received, b.cpuMillis() - cpu0);
            log("delivery check %s: %,d sent, %,d acknowledged, %,d received, broker CPU %.1f µs/msg", b.name(),
                    d.sent(), d.acked(), d.received(), d.cpuMicrosPerMessage());
            return d;
        } finally {
            if (pubs != null) {
                pubs.stop();
            }
            subs.stop();
        }
    }
}
