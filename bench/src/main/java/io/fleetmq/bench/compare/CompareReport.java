package io.fleetmq.bench.compare;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The markdown section {@code bench compare} writes: command, date, machine, the table and how to read it. */
final class CompareReport {
    /** One table row. {@code lowerIsBetter}: ratio below 1 favours FleetMQ. */
    record Row(String metric, String fleet, String mosq, double ratio, String target, String met) {
    }

    private final String command;
    private final Machine machine;
    private final String fleetMqOpts;
    private final CompareCommand.Sizes sizes;
    private final long duration;
    private final String date = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<String> details = new ArrayList<>();
    private final String loadAtStart = Machine.loadAverage();

    CompareReport(String command, Machine machine, String fleetMqOpts, CompareCommand.Sizes sizes, long duration) {
        this.command = command;
        this.machine = machine;
        this.fleetMqOpts = fleetMqOpts;
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

    void memory(Workloads.Memory f, Workloads.Memory m) {
        double fk = f.kbPerConnection();
        double mk = m.kbPerConnection();
        rows.add(new Row(fmt("memory per idle connection, KB (RSS growth / %,d connections)", f.requested()),
                fmt("%.2f", fk), fmt("%.2f", mk), fk / mk, "FleetMQ ≤ 2 KB (ratio: lower is better)",
                fk < 0 ? "—" : yesNo(fk <= 2.0)));
        if (fk < 0 || mk < 0) {
            notes.add("RSS shrank while the idle connections were held (the JVM returned memory, or too few "
                    + "connections to measure): the memory row says nothing at this size.");
        }
        if (f.connected() < f.requested() || m.connected() < m.requested()) {
            notes.add(fmt("Idle connections reached: FleetMQ %,d, Mosquitto %,d of %,d requested; the figures divide "
                    + "by the connections actually made.", f.connected(), m.connected(), f.requested()));
        }
        notes.add(fmt("RSS (VmRSS) before → after: FleetMQ %,d → %,d KB, Mosquitto %,d → %,d KB.",
                f.rssBeforeKb(), f.rssAfterKb(), m.rssBeforeKb(), m.rssAfterKb()));
    }

    void connectionRate(Workloads.ConnRate f, Workloads.ConnRate m) {
        rows.add(new Row(fmt("connection rate, CONNECT→CONNACK per s (%,d clients)", f.requested()),
                fmt("%,.0f", f.perSecond()), fmt("%,.0f", m.perSecond()), f.perSecond() / m.perSecond(),
                "≥ Mosquitto (ratio ≥ 1)", yesNo(f.perSecond() >= m.perSecond())));
        if (f.failed() > 0 || m.failed() > 0) {
            notes.add(fmt("Failed connects in the connection-rate run: FleetMQ %d, Mosquitto %d.", f.failed(),
                    m.failed()));
        }
    }

    void throughput(int qos, String shape, int pubs, int subs, Workloads.Flow f, Workloads.Flow m) {
        String what = switch (shape) {
            case "p2p" -> fmt("point-to-point %,d pairs", pubs);
            default -> fmt("%s %,d → %,d", shape, pubs, subs);
        };
        double ratio = f.receivedPerSecond() / m.receivedPerSecond();
        rows.add(new Row(fmt("throughput QoS %d, %s, msg/s delivered", qos, what),
                fmt("%,.0f", f.receivedPerSecond()), fmt("%,.0f", m.receivedPerSecond()), ratio,
                "≥ 1.5× Mosquitto", yesNo(ratio >= 1.5)));
        details.add(fmt("| QoS %d, %s | %,.0f | %,.0f | %.1f | %,.0f | %,.0f | %.1f |", qos, what,
                f.sentPerSecond(), f.receivedPerSecond(), f.p99Ms(), m.sentPerSecond(), m.receivedPerSecond(),
                m.p99Ms()));
    }

    void latency(double rate, long intervalMs, int pairs, Workloads.Flow f, Workloads.Flow m) {
        String at = fmt("p2p QoS 1, %,d pairs, %,.0f msg/s offered", pairs, pairs * 1000.0 / intervalMs);
        rows.add(new Row(fmt("latency p50, ms (%s)", at), fmt("%.2f", f.p50Ms()), fmt("%.2f", m.p50Ms()),
                f.p50Ms() / m.p50Ms(), "none (ratio: lower is better)", "—"));
        rows.add(new Row(fmt("latency p99, ms (%s)", at), fmt("%.2f", f.p99Ms()), fmt("%.2f", m.p99Ms()),
                f.p99Ms() / m.p99Ms(), "≤ Mosquitto (ratio ≤ 1)", yesNo(f.p99Ms() <= m.p99Ms())));
        notes.add(fmt("Latency rate: half of Mosquitto's p2p QoS 1 peak in this run (%,.0f msg/s), as one publish "
                        + "every %d ms per publisher; delivered during the window: FleetMQ %,.0f msg/s, Mosquitto "
                        + "%,.0f msg/s.", rate, intervalMs, f.receivedPerSecond(), m.receivedPerSecond()));
    }

    String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("Command: `").append(command).append("`\n");
        b.append("Date: ").append(date).append(". Machine: ").append(machine.line()).append(". Load average (1 min) ")
                .append("at start ").append(loadAtStart).append(", at end ").append(Machine.loadAverage())
                .append(" (other jobs on the machine skew both brokers' figures).\n\n");
        b.append("| metric | FleetMQ | Mosquitto | ratio (FleetMQ/Mosquitto) | target | met? |\n");
        b.append("|---|---:|---:|---:|---|---|\n");
        for (Row r : rows) {
            b.append("| ").append(r.metric()).append(" | ").append(r.fleet()).append(" | ").append(r.mosq())
                    .append(" | ").append(fmt("%.2f", r.ratio())).append(" | ").append(r.target()).append(" | ")
                    .append(r.met()).append(" |\n");
        }
        b.append("\nReading it: for throughput and connection rate a ratio above 1 means FleetMQ is faster; for "
                + "memory and latency the ratio is FleetMQ's figure over Mosquitto's, so **lower is better** (0.5: "
                + "FleetMQ uses half the memory, or waits half as long).\n\n");
        b.append("How it was measured (all clients are the bench's own, in the `compare` process, MQTT 3.1.1, clean "
                + "sessions, ").append(Workloads.PAYLOAD_BYTES).append("-byte payloads; each workload runs against "
                + "FleetMQ, then Mosquitto):\n");
        b.append(fmt("- Brokers: FleetMQ in its own JVM (`%s`, `sys.enabled=false`, `sessions.maxInflightMessages=%d`, "
                        + "`sessions.maxQueuedMessages=%d`); Mosquitto with `max_inflight_messages %d`, "
                        + "`max_queued_messages %d`, `persistence false`, connection logging off. Both on 127.0.0.1, "
                        + "free ports, started once for the whole run.\n", fleetMqOpts, BrokerProcess.MAX_INFLIGHT,
                BrokerProcess.MAX_QUEUED, BrokerProcess.MAX_INFLIGHT, BrokerProcess.MAX_QUEUED));
        b.append(fmt("- Memory: 200 connections made and closed (warm-up), VmRSS from /proc/PID/status, %,d idle "
                + "clients (keep alive 300 s) from 127.0.0.2/.3, %d s to settle, VmRSS again; growth ÷ connections. "
                + "The JVM's RSS is taken as it is (no GC can be forced from outside): it includes heap not yet "
                + "collected and heap the JVM reserved while growing.\n", sizes.idle(), sizes.settleSecs()));
        b.append(fmt("- Connection rate: %,d clients from 127.0.0.4/.5, connecting with up to 2,048 pending at a "
                + "time; CONNACKs ÷ seconds from the first connect to the last CONNACK.\n", sizes.connects()));
        b.append(fmt("- Throughput: subscribers connect and subscribe first, then publishers send as fast as the "
                + "socket allows (QoS 1: up to %d unacknowledged per publisher); after %.1f s of warm-up, messages "
                + "received by all subscribers are counted for %d s.\n", BrokerProcess.MAX_INFLIGHT,
                sizes.warmupMillis() / 1000.0, duration));
        b.append("- Latency: publish timestamp in the payload to arrival at the subscriber (same process clock), "
                + "HdrHistogram over the same measured window.\n");
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
                    + "| Mosquitto delivered/s | Mosquitto p99 ms |\n");
            b.append("|---|---:|---:|---:|---:|---:|---:|\n");
            details.forEach(d -> b.append(d).append('\n'));
        }
        return b.toString();
    }
}
