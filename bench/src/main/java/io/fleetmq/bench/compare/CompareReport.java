package io.fleetmq.bench.compare;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The markdown section {@code bench compare} writes: command, date, machine, the table (FleetMQ, Mosquitto and
 * HiveMQ CE side by side, with FleetMQ's ratio to each peer) and how to read it. Results come in broker order:
 * {@link #BROKERS}.
 */
final class CompareReport {
    /** Column order of every result list handed in: FleetMQ first, then the C peer, then the Java peer. */
    static final List<String> BROKERS = List.of(BrokerProcess.FLEETMQ, BrokerProcess.MOSQUITTO_NAME,
            BrokerProcess.HIVEMQ);
    static final String HEADER = "| metric | FleetMQ | Mosquitto | HiveMQ CE | FleetMQ/Mosquitto | FleetMQ/HiveMQ CE "
            + "| target | met? |";

    /** A cell with nothing to divide by (no message arrived in the window, no connection made). */
    static final String NOT_MEASURED = "n/a";

    /** One table row: a value per broker (in {@link #BROKERS} order) and FleetMQ's ratio to each peer. */
    record Row(String metric, List<String> values, double vsMosquitto, double vsHiveMq, String target, String met) {
    }

    private final String command;
    private final Machine machine;
    private final String fleetMqOpts;
    private final String hiveMqOpts;
    private final CompareCommand.Sizes sizes;
    private final long duration;
    private final String date = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<String> details = new ArrayList<>();
    private final String loadAtStart = Machine.loadAverage();

    CompareReport(String command, Machine machine, String fleetMqOpts, String hiveMqOpts, CompareCommand.Sizes sizes,
                  long duration) {
        this.command = command;
        this.machine = machine;
        this.fleetMqOpts = fleetMqOpts;
        this.hiveMqOpts = hiveMqOpts;
        this.sizes = sizes;
        this.duration = duration;
    }

    List<Row> rows() {
        return rows;
    }

    private static String fmt(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }

    private static String yesNo(boolean ok) {
        return ok ? "yes" : "**no**";
    }

    private <T> void row(String metric, List<T> results, ToDoubleFunction<T> value, String format, String target,
                         Function<Double, String> met) {
        double[] v = results.stream().mapToDouble(value).toArray();
        List<String> cells = new ArrayList<>();
        for (double d : v) {
            cells.add(Double.isNaN(d) ? NOT_MEASURED : fmt(format, d));
        }
        rows.add(new Row(metric, cells, v[0] / v[1], v[0] / v[2], target, met.apply(v[0])));
    }

    private static <T> String perBroker(List<T> results, Function<T, String> what) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            parts.add(BROKERS.get(i) + " " + what.apply(results.get(i)));
        }
        return String.join(", ", parts);
    }

    void memory(List<Workloads.Memory> m) {
        row(fmt("memory per idle connection, KB (RSS growth / %,d connections)", m.get(0).requested()), m,
                Workloads.Memory::kbPerConnection, "%.2f", "FleetMQ ≤ 2 KB (ratio: lower is better)",
                fk -> fk < 0 ? "—" : yesNo(fk <= 2.0));
        if (m.stream().anyMatch(x -> x.kbPerConnection() < 0)) {
            notes.add("RSS shrank while the idle connections were held (the JVM returned memory, or too few "
                    + "connections to measure): the memory row says nothing at this size.");
        }
        if (m.stream().anyMatch(x -> x.connected() < x.requested())) {
            notes.add(fmt("Idle connections reached of %,d requested: %s; the figures divide by the connections "
                    + "actually made.", m.get(0).requested(), perBroker(m, x -> fmt("%,d", x.connected()))));
        }
        notes.add("RSS (VmRSS) before → after the idle connections: "
                + perBroker(m, x -> fmt("%,d → %,d KB", x.rssBeforeKb(), x.rssAfterKb())) + ".");
    }

    void connectionRate(List<Workloads.ConnRate> r) {
        Workloads.ConnRate f = r.get(0);
        row(fmt("connection rate, CONNECT→CONNACK per s (%,d clients)", f.requested()), r,
                Workloads.ConnRate::perSecond, "%,.0f", "≥ Mosquitto (ratio ≥ 1)",
                fr -> yesNo(fr >= r.get(1).perSecond()));
        row(fmt("broker CPU per connect, µs (the %,d connects above)", f.requested()), r,
                Workloads.ConnRate::cpuMicrosPerConnect, "%,.0f", "none (ratio: lower is better)", x -> "—");
        if (r.stream().anyMatch(x -> x.failed() > 0)) {
            notes.add("Failed connects in the connection-rate run: " + perBroker(r, x -> Long.toString(x.failed()))
                    + ".");
        }
    }

    void throughput(int qos, String shape, int pubs, int subs, List<Workloads.Flow> f) {
        String what = switch (shape) {
            case "p2p" -> fmt("point-to-point %,d pairs", pubs);
            default -> fmt("%s %,d → %,d", shape, pubs, subs);
        };
        double mosq = f.get(1).receivedPerSecond();
        row(fmt("throughput QoS %d, %s, msg/s delivered", qos, what), f, Workloads.Flow::receivedPerSecond, "%,.0f",
                "≥ 1.5× Mosquitto", fr -> yesNo(fr / mosq >= 1.5));
        row(fmt("broker CPU per delivered message, µs (QoS %d, %s)", qos, what), f,
                Workloads.Flow::cpuMicrosPerMessage, "%.2f", "none (ratio: lower is better)", x -> "—");
        if (f.stream().anyMatch(x -> x.subscribersFailed() + x.publishersFailed() > 0)) {
            notes.add(fmt("Throughput QoS %d, %s: clients that failed (no CONNACK within 30 s, or subscription refused) "
                    + "and were left out: %s.", qos, what, perBroker(f, x -> fmt("%d of %d subscribers, %d of %d "
                    + "publishers", x.subscribersFailed(), subs, x.publishersFailed(), pubs))));
        }
        StringBuilder d = new StringBuilder(fmt("| QoS %d, %s |", qos, what));
        for (Workloads.Flow x : f) {
            d.append(fmt(" %,.0f | %,.0f | %.1f |", x.sentPerSecond(), x.receivedPerSecond(), x.p99Ms()));
        }
        details.add(d.toString());
    }

    void latency(double rate, long intervalMs, int pairs, List<Workloads.Flow> f) {
        String at = fmt("p2p QoS 1, %,d pairs, %,.0f msg/s offered", pairs, pairs * 1000.0 / intervalMs);
        row(fmt("latency p50, ms (%s)", at), f, Workloads.Flow::p50Ms, "%.2f", "none (ratio: lower is better)",
                x -> "—");
        double mosqP99 = f.get(1).p99Ms();
        row(fmt("latency p99, ms (%s)", at), f, Workloads.Flow::p99Ms, "%.2f", "≤ Mosquitto (ratio ≤ 1)",
                fp -> yesNo(fp <= mosqP99));
        notes.add(fmt("Latency rate: half of Mosquitto's p2p QoS 1 peak in this run (%,.0f msg/s), as one publish "
                + "every %d ms per publisher; delivered during the window: %s.", rate, intervalMs,
                perBroker(f, x -> fmt("%,.0f msg/s", x.receivedPerSecond()))));
    }

    void tlsConnect(List<Workloads.TlsConnect> t) {
        int n = t.get(0).requested();
        row(fmt("mTLS connection rate, full handshakes per s (%,d clients)", n), t, Workloads.TlsConnect::perSecond,
                "%,.0f", "none (ratio ≥ 1: FleetMQ faster)", x -> "—");
        row(fmt("broker CPU per mTLS connect, µs (%,d full handshakes)", n), t,
                Workloads.TlsConnect::cpuMicrosPerConnect, "%,.0f", "none (ratio: lower is better)", x -> "—");
        row(fmt("memory per mTLS connection, KB (RSS growth / %,d connections)", n), t,
                Workloads.TlsConnect::kbPerConnection, "%.2f", "none (ratio: lower is better)", x -> "—");
        if (t.stream().anyMatch(x -> x.failed() > 0 || x.connected() < x.requested())) {
            notes.add(fmt("mTLS connects made of %,d requested: %s; failed: %s.", n,
                    perBroker(t, x -> fmt("%,d", x.connected())), perBroker(t, x -> Long.toString(x.failed()))));
        }
        notes.add("RSS (VmRSS) before → with the mTLS connections open: "
                + perBroker(t, x -> fmt("%,d → %,d KB", x.rssBeforeKb(), x.rssAfterKb())) + ".");
    }

    private static String ratio(double r) {
        return Double.isNaN(r) || Double.isInfinite(r) ? NOT_MEASURED : fmt("%.2f", r);
    }

    void delivery(int pairs, int perPublisher, List<Workloads.Delivery> d) {
        String what = fmt("QoS 1 point-to-point, %,d pairs × %,d messages", pairs, perPublisher);
        long total = (long) pairs * perPublisher;
        row(fmt("delivery check, messages received of %,d sent (%s)", total, what), d,
                x -> (double) x.received(), "%,.0f", "every message", x -> yesNo(d.get(0).complete()));
        row(fmt("broker CPU per delivered message, µs (delivery check, %s)", what), d,
                Workloads.Delivery::cpuMicrosPerMessage, "%.2f", "none (ratio: lower is better)", x -> "—");
        notes.add("Delivery check (before the measurements, publishers paced by the QoS 1 window only): "
                + perBroker(d, x -> fmt("%,d sent, %,d acknowledged, %,d received%s", x.sent(), x.acked(),
                x.received(), x.complete() ? "" : " (**incomplete**)")) + ".");
    }

    String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("Command: `").append(command).append("`\n");
        b.append("Date: ").append(date).append(". Machine: ").append(machine.line()).append(". Load average (1 min) ")
                .append("at start ").append(loadAtStart).append(", at end ").append(Machine.loadAverage())
                .append(" (other jobs on the machine skew every broker's figures).\n\n");
        b.append(HEADER).append('\n');
        b.append("|---|---:|---:|---:|---:|---:|---|---|\n");
        for (Row r : rows) {
            b.append("| ").append(r.metric()).append(" | ").append(String.join(" | ", r.values())).append(" | ")
                    .append(ratio(r.vsMosquitto())).append(" | ").append(ratio(r.vsHiveMq()))
                    .append(" | ").append(r.target()).append(" | ").append(r.met()).append(" |\n");
        }
        b.append("\nReading it: the ratios are FleetMQ's figure over the peer's. For throughput and connection rates a "
                + "ratio above 1 means FleetMQ is faster; for memory, CPU and latency **lower is better** (0.5: "
                + "FleetMQ uses half the memory or CPU, or waits half as long). Targets are set against Mosquitto; "
                + "HiveMQ CE is the Java broker beside it. Broker CPU is user + system time of the broker's process "
                + "(/proc/PID/stat, all threads) over the measured window: the clients run on the same cores, so "
                + "CPU per message says more than a rate.\n\n");
        b.append("How it was measured (all clients are the bench's own, in the `compare` process, MQTT 3.1.1, clean "
                + "sessions, ").append(Workloads.PAYLOAD_BYTES).append("-byte payloads; each workload runs against "
                + "FleetMQ, then Mosquitto, then HiveMQ CE):\n");
        b.append(fmt("- Brokers, each one process on 127.0.0.1 with free ports, started once for the whole run: "
                        + "FleetMQ in its own JVM (`%s`, `sys.enabled=false`, `sessions.maxInflightMessages=%d`, "
                        + "`sessions.maxQueuedMessages=%d`); Mosquitto with `max_inflight_messages %d`, "
                        + "`max_queued_messages %d`, `persistence false`, connection logging off; HiveMQ CE 2025.5 "
                        + "embedded in its own JVM (`%s`), otherwise at its defaults except: %s.\n", fleetMqOpts,
                BrokerProcess.MAX_INFLIGHT, BrokerProcess.MAX_QUEUED, BrokerProcess.MAX_INFLIGHT,
                BrokerProcess.MAX_QUEUED, hiveMqOpts, String.join("; ", HiveMqConfig.NON_DEFAULT_SETTINGS)));
        b.append(fmt("- Memory: 200 connections made and closed (warm-up), VmRSS from /proc/PID/status, %,d idle "
                + "clients (keep alive 300 s) from 127.0.0.2/.3, %d s to settle, VmRSS again; growth ÷ connections. "
                + "A JVM's RSS is taken as it is (no GC can be forced from outside): it includes heap not yet "
                + "collected and heap the JVM reserved while growing.\n", sizes.idle(), sizes.settleSecs()));
        b.append(fmt("- Connection rate: %,d clients from 127.0.0.4/.5, connecting with up to 2,048 pending at a "
                + "time; CONNACKs ÷ seconds from the first connect to the last CONNACK; the broker's CPU over the "
                + "same span ÷ CONNACKs.\n", sizes.connects()));
        b.append(fmt("- Throughput: subscribers connect and subscribe first, then publishers send as fast as the "
                + "socket allows (QoS 1: up to %d unacknowledged per publisher); after %.1f s of warm-up, messages "
                + "received by all subscribers are counted for %d s, and the broker's CPU over the same window ÷ "
                + "messages delivered.\n", BrokerProcess.MAX_INFLIGHT, sizes.warmupMillis() / 1000.0, duration));
        b.append("- Latency: publish timestamp in the payload to arrival at the subscriber (same process clock), "
                + "HdrHistogram over the same measured window.\n");
        b.append(fmt("- mTLS connects: the run makes an EC P-256 CA, server certificate and client certificate; "
                + "every broker has a TLS listener that requires a client certificate signed by that CA (FleetMQ "
                + "`listeners.tls.clientAuth=required`, Mosquitto `require_certificate true`, HiveMQ CE "
                + "`client-authentication-mode REQUIRED`), TLS versions and cipher suites at each broker's defaults. "
                + "20 TLS connections made and closed (warm-up), then %,d clients from 127.0.0.6/.7 connect with up "
                + "to 2,048 pending, each a full handshake (the clients never resume a session). Rate and CPU per "
                + "connect as for plain connects; RSS growth with all of them open after %d s ÷ connections.\n",
                sizes.tlsConnects(), sizes.settleSecs()));
        b.append("- ").append(HiveMqConfig.QUEUE_NOTE).append('\n');
        for (String n : notes) {
            b.append("- ").append(n).append('\n');
        }
        if (!details.isEmpty()) {
            b.append("\nThroughput rows in detail: publishes written by the clients and messages delivered per second "
                    + "in the measured window, and the subscribers' p99 latency there. The publishers go as fast as "
                    + "they can, so these are saturation figures: a p99 of seconds means messages queued in the broker "
                    + "(or, with 0 published, that the broker stopped reading the publisher and delivered its "
                    + "backlog).\n\n");
            b.append("| workload | FleetMQ published/s | FleetMQ delivered/s | FleetMQ p99 ms | Mosquitto published/s "
                    + "| Mosquitto delivered/s | Mosquitto p99 ms | HiveMQ CE published/s | HiveMQ CE delivered/s "
                    + "| HiveMQ CE p99 ms |\n");
            b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            details.forEach(d -> b.append(d).append('\n'));
        }
        return b.toString();
    }
}
