package io.fleetmq.bench.stats;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Once a second, one line per counter that moved, in emqtt_bench's shape:
 * <pre>
 * 1s conn total=1000 rate=1000/s
 * 2s recv total=52000 rate=51000/s
 * </pre>
 * {@link #tick(long)} is called by the run loop; the printer keeps the previous snapshot to compute rates.
 */
public final class ProgressPrinter {
    private record Counter(String name, ToLongFunction<Snapshot> value) {
    }

    private static final List<Counter> COUNTERS = List.of(
            new Counter("conn", Snapshot::connected),
            new Counter("conn_fail", Snapshot::connFailed),
            new Counter("disconnected", Snapshot::disconnected),
            new Counter("sub", Snapshot::subscribed),
            new Counter("sub_fail", Snapshot::subFailed),
            new Counter("pub", Snapshot::sent),
            new Counter("pub_ack", Snapshot::acked),
            new Counter("recv", Snapshot::received));

    private final StatsSource source;
    private final PrintWriter out;
    private final boolean showAcks;
    private Snapshot previous = Snapshot.EMPTY;
    private long previousNanos;

    /** @param showAcks print {@code pub_ack} lines (QoS 1 and 2 publishing only; for QoS 0 they equal {@code pub}) */
    public ProgressPrinter(StatsSource source, PrintWriter out, boolean showAcks, long startNanos) {
        this.source = source;
        this.out = out;
        this.showAcks = showAcks;
        this.previousNanos = startNanos;
    }

    /** Prints the lines for the second that ended at {@code nowNanos}; {@code elapsedSeconds} labels them. */
    public void tick(long nowNanos, long elapsedSeconds) {
        Snapshot now = source.snapshot();
        double seconds = Math.max(1e-3, (nowNanos - previousNanos) / 1e9);
        List<String> lines = new ArrayList<>();
        for (Counter c : COUNTERS) {
            if (!showAcks && c.name().equals("pub_ack")) {
                continue;
            }
            long total = c.value().applyAsLong(now);
            long delta = total - c.value().applyAsLong(previous);
            if (delta != 0) {
                lines.add(elapsedSeconds + "s " + c.name() + " total=" + total + " rate=" + Math.round(delta / seconds)
                        + "/s");
            }
        }
        previous = now;
        previousNanos = nowNanos;
        for (String line : lines) {
            out.println(line);
        }
        out.flush();
    }

}
