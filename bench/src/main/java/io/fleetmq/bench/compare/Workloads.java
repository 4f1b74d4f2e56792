package io.fleetmq.bench.compare;

import io.fleetmq.bench.run.BenchPlan;
import io.fleetmq.bench.run.LocalRun;
import io.fleetmq.bench.run.Mode;
import io.fleetmq.bench.run.StopSignal;
import io.fleetmq.bench.stats.BenchClock;
import io.fleetmq.bench.stats.Snapshot;
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

    record ConnRate(int requested, long connected, long failed, double perSecond) {
    }

    /** Delivered messages per second at the subscribers; latency over the same window, in microseconds. */
    record Flow(long received, double seconds, double receivedPerSecond, double sentPerSecond, Histogram latencies) {
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
        List<InetAddress> addrs = ifaddrs.stream().map(Workloads::address).toList();
        return new BenchPlan(mode, List.of("127.0.0.1"), b.port(), MQTT_VERSION, count, 0, 0, topic, qos,
                PAYLOAD_BYTES, publishIntervalMs, 0, qos > 0 ? BrokerProcess.MAX_INFLIGHT : 1, 300, true, 0,
                null, null, addrs, null, 0, 0, IO_THREADS,
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
    ConnRate connectionRate(BrokerProcess b, int n) {
        log("connection rate %s: %,d connects as fast as possible", b.name(), n);
        LocalRun run = new LocalRun(plan(Mode.CONN, b, n, null, 0, 0, RATE_ADDRS, "cmp_rate"));
        try {
            long start = BenchClock.epochMicros();
            run.start();
            Snapshot s = await(run, b, "connects", x -> x.connected() + x.connFailed() >= n);
            double secs = Math.max(1e-6, (s.lastConnect() - start) / 1e6);
            ConnRate r = new ConnRate(n, s.connected(), s.connFailed(), s.connected() / secs);
            log("connection rate %s: %,d connected, %d failed in %.2f s: %,.0f/s", b.name(), s.connected(),
                    s.connFailed(), secs, r.perSecond());
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
              long publishIntervalMs, long warmupMillis, long seconds) {
        log("%s %s: %d subscribers, %d publishers, QoS %d, %d s", label, b.name(), subscribers, publishers, qos,
                seconds);
        String topic = "cmp/" + runs.incrementAndGet() + (perClientTopics ? "/%i" : "");
        LocalRun subs = new LocalRun(plan(Mode.SUB, b, subscribers, topic, qos, 0, List.of(), "cmp_sub"));
        LocalRun pubs = null;
        try {
            subs.start();
            Snapshot ss = await(subs, b, "subscribe", x -> x.subscribed() + x.connFailed() >= subscribers);
            if (ss.connFailed() > 0 || ss.subFailed() > 0) {
                throw new IllegalStateException(b.name() + ": " + ss.connFailed() + " subscribers failed to connect, "
                        + ss.subFailed() + " subscriptions refused");
            }
            pubs = new LocalRun(plan(Mode.PUB, b, publishers, topic, qos, publishIntervalMs, List.of(), "cmp_pub"));
            pubs.start();
            LocalRun p = pubs;
            Snapshot ps = await(pubs, b, "publishers", x -> x.connected() + x.connFailed() >= publishers);
            if (ps.connFailed() > 0) {
                throw new IllegalStateException(b.name() + ": " + ps.connFailed() + " publishers failed to connect");
            }
            sleepMillis(warmupMillis);
            long r0 = subs.stats().snapshot().received();
            long s0 = p.stats().snapshot().sent();
            Histogram h0 = subs.stats().latencies();
            long t0 = System.nanoTime();
            sleepMillis(seconds * 1000);
            checkAlive(b);
            long r1 = subs.stats().snapshot().received();
            long s1 = p.stats().snapshot().sent();
            Histogram h1 = subs.stats().latencies();
            double secs = (System.nanoTime() - t0) / 1e9;
            h1.subtract(h0);
            Flow f = new Flow(r1 - r0, secs, (r1 - r0) / secs, (s1 - s0) / secs, h1);
            log("%s %s: %,.0f msg/s delivered (%,.0f msg/s published), latency p50 %.2f ms p99 %.2f ms", label,
                    b.name(), f.receivedPerSecond(), f.sentPerSecond(), f.p50Ms(), f.p99Ms());
            return f;
        } finally {
            if (pubs != null) {
                pubs.stop();
            }
            subs.stop();
        }
    }
}
