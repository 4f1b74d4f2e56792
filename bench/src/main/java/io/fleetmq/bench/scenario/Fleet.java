package io.fleetmq.bench.scenario;

import io.fleetmq.bench.run.BenchPlan;
import io.fleetmq.bench.run.Driver;
import io.fleetmq.bench.run.LocalRun;
import io.fleetmq.bench.run.Mode;
import io.fleetmq.bench.stats.Snapshot;
import io.fleetmq.bench.stats.StatsSource;
import io.fleetmq.bench.workers.WorkerPool;
import org.HdrHistogram.Histogram;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One side of a scenario (its subscribers or its publishers) as {@link Driver}s of the existing run machinery: a
 * {@link LocalRun} per broker group in this process when the side asks for {@code workers: 1}, else
 * {@link WorkerPool}s whose children run {@code bench sub|pub --worker-child} — also for a group whose share is a
 * single worker, since the point of several workers is several processes (each with its own open-files limit). Acts as one driver whose stats are the sum of its parts.
 * <p>
 * Spreading over {@code spec.brokers}: brokers that share a port form one group whose clients take the hosts
 * round-robin (client n goes to host n mod hosts); with several ports, each port group gets a contiguous slice of
 * client numbers in proportion to its number of hosts. Workers are split over groups the same way.
 */
final class Fleet implements Driver, StatsSource {
    private final List<Driver> parts;
    private final int clients;
    private final int processes;

    private Fleet(List<Driver> parts, int clients, int processes) {
        this.parts = List.copyOf(parts);
        this.clients = clients;
        this.processes = processes;
    }

    /** One slice of clients: its numbers, its broker hosts and port, how many processes run it. */
    record Slice(int start, int count, List<String> hosts, int port, int workers) {
    }

    static Fleet subscribers(Scenario.Subscribers s, List<Scenario.Endpoint> brokers, String prefix, PrintWriter err) {
        List<Driver> parts = new ArrayList<>();
        for (Slice g : slices(s.count(), s.workers(), brokers)) {
            if (s.workers() == 1) {
                parts.add(new LocalRun(new BenchPlan(Mode.SUB, g.hosts(), g.port(), s.protocolVersion(), g.count(),
                        g.start(), intervalNanos(share(s.connectRate(), g.count(), s.count())), s.topic(), s.qos(),
                        0, 0, 0, 0, 300, s.cleanSession(), s.sessionExpiry(), null, null, addresses(s.ifaddr()),
                        null, 0, 0, ioThreads(), prefix)));
                continue;
            }
            List<List<String>> children = new ArrayList<>();
            for (Slice w : split(g)) {
                List<String> a = common("sub", w, s.protocolVersion(), share(s.connectRate(), w.count(), s.count()),
                        s.topic(), s.qos(), prefix);
                a.addAll(List.of("--clean=" + s.cleanSession(), "-x", Long.toString(s.sessionExpiry()),
                        "--expect", "0"));
                if (!s.ifaddr().isEmpty()) {
                    a.addAll(List.of("--ifaddr", String.join(",", s.ifaddr())));
                }
                children.add(a);
            }
            parts.add(new WorkerPool(children, err));
        }
        return new Fleet(parts, s.count(), slices(s.count(), s.workers(), brokers).stream()
                .mapToInt(Slice::workers).sum());
    }

    static Fleet publishers(Scenario.Publishers p, List<Scenario.Endpoint> brokers, String prefix, PrintWriter err) {
        List<Driver> parts = new ArrayList<>();
        for (Slice g : slices(p.count(), p.workers(), brokers)) {
            if (p.workers() == 1) {
                parts.add(new LocalRun(new BenchPlan(Mode.PUB, g.hosts(), g.port(), p.protocolVersion(), g.count(),
                        g.start(), intervalNanos(share(p.connectRate(), g.count(), p.count())), p.topic(), p.qos(),
                        p.payloadSize(), p.intervalMs(), quota(p, g.start(), g.count()), p.inflight(), 300, true, 0,
                        null, null, List.of(), null, 0, 0, ioThreads(), prefix)));
                continue;
            }
            List<List<String>> children = new ArrayList<>();
            for (Slice w : split(g)) {
                List<String> a = common("pub", w, p.protocolVersion(), share(p.connectRate(), w.count(), p.count()),
                        p.topic(), p.qos(), prefix);
                a.addAll(List.of("-s", Integer.toString(p.payloadSize()), "-I", Long.toString(p.intervalMs()),
                        "-L", Long.toString(quota(p, w.start(), w.count())), "-F", Integer.toString(p.inflight())));
                children.add(a);
            }
            parts.add(new WorkerPool(children, err));
        }
        return new Fleet(parts, p.count(), slices(p.count(), p.workers(), brokers).stream()
                .mapToInt(Slice::workers).sum());
    }

    /** Port groups, each with its share of clients (contiguous numbers) and of workers. */
    static List<Slice> slices(int count, int workers, List<Scenario.Endpoint> brokers) {
        Map<Integer, List<String>> byPort = new LinkedHashMap<>();
        for (Scenario.Endpoint e : brokers) {
            byPort.computeIfAbsent(e.port(), k -> new ArrayList<>()).add(e.host());
        }
        List<Slice> out = new ArrayList<>();
        int start = 0;
        int hostsBefore = 0;
        for (Map.Entry<Integer, List<String>> g : byPort.entrySet()) {
            int hosts = g.getValue().size();
            int end = (int) ((long) count * (hostsBefore + hosts) / brokers.size());
            int w = (int) Math.round((double) workers * hosts / brokers.size());
            int n = end - start;
            if (n > 0) {
                out.add(new Slice(start, n, g.getValue(), g.getKey(), Math.max(1, Math.min(w, n))));
            }
            start = end;
            hostsBefore += hosts;
        }
        return out;
    }

    /** A group's clients split evenly over its workers (the first ones get the remainder). */
    static List<Slice> split(Slice g) {
        List<Slice> out = new ArrayList<>();
        int start = g.start();
        for (int k = 0; k < g.workers(); k++) {
            int n = g.count() / g.workers() + (k < g.count() % g.workers() ? 1 : 0);
            out.add(new Slice(start, n, g.hosts(), g.port(), 1));
            start += n;
        }
        return out;
    }

    private static List<String> common(String mode, Slice w, int version, long rate, String topic, int qos,
                                       String prefix) {
        return new ArrayList<>(List.of(mode, "-h", String.join(",", w.hosts()), "-p", Integer.toString(w.port()),
                "-V", Integer.toString(version), "-c", Integer.toString(w.count()), "-n", Integer.toString(w.start()),
                "-i", "0", "-R", Long.toString(rate), "-t", topic, "-q", Integer.toString(qos),
                "--prefix", prefix, "--workers", "1", "--worker-child"));
    }

    /** Messages publishers [start, start+n) send: messageLimit split evenly over all publishers, remainder first. */
    static long quota(Scenario.Publishers p, int start, int n) {
        if (p.messageLimit() == 0) {
            return 0;
        }
        long sum = 0;
        for (int i = start; i < start + n; i++) {
            sum += p.messageLimit() / p.count() + (i < p.messageLimit() % p.count() ? 1 : 0);
        }
        return sum;
    }

    /** A slice's part of the connect rate (at least 1/s unless unpaced). */
    private static long share(int rate, int n, int total) {
        return rate == 0 ? 0 : Math.max(1, (long) Math.ceil((double) rate * n / total));
    }

    private static long intervalNanos(long rate) {
        return rate == 0 ? 0 : 1_000_000_000L / rate;
    }

    private static int ioThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    private static List<InetAddress> addresses(List<String> literals) {
        List<InetAddress> out = new ArrayList<>();
        for (String a : literals) {
            try {
                out.add(InetAddress.getByName(a)); // validated IPv4 literals: no DNS lookup
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("ifaddr " + a + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    int clients() {
        return clients;
    }

    /** Processes the clients run in: worker children, plus 1 per part run in this process. */
    int processes() {
        return processes;
    }

    /** Worker processes that failed (non-zero exit or no final line); meaningful after {@link #stop()}. */
    int failedWorkers() {
        int n = 0;
        for (Driver d : parts) {
            if (d instanceof WorkerPool w) {
                n += w.failedWorkers();
            }
        }
        return n;
    }

    @Override
    public StatsSource stats() {
        return this;
    }

    @Override
    public void start() {
        parts.forEach(Driver::start);
    }

    @Override
    public boolean finished() {
        return parts.stream().allMatch(Driver::finished);
    }

    @Override
    public void stop() {
        parts.forEach(Driver::stop);
    }

    @Override
    public Snapshot snapshot() {
        Snapshot sum = Snapshot.EMPTY;
        for (Driver d : parts) {
            sum = sum.plus(d.stats().snapshot());
        }
        return sum;
    }

    @Override
    public Histogram latencies() {
        Histogram all = new Histogram(3);
        for (Driver d : parts) {
            all.add(d.stats().latencies());
        }
        return all;
    }
}
