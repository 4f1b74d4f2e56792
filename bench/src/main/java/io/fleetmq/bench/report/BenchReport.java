package io.fleetmq.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetmq.bench.stats.Snapshot;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The final JSON report of a run (format version 1). Fields:
 * <pre>
 * formatVersion, mode, clients, workers, durationSeconds,
 * connected, connectFailed, disconnected, subscribed, subscribeFailed, sent, acked, received,
 * expected (null unless --expect), receiveRatio (received / expected, null unless --expect),
 * rates {connectPerSecond, sentPerSecond, receivedPerSecond}   averages from each kind's first to last event,
 * latencyMs {count, p50, p90, p99, p99_9, max}                   null values when nothing was received
 * </pre>
 */
public final class BenchReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private BenchReport() {
    }

    /** @param latencyMicros every latency recorded, in microseconds */
    public static ObjectNode build(String mode, int clients, int workers, long expected, double durationSeconds,
                                   Snapshot s, Histogram latencyMicros) {
        ObjectNode r = JSON.createObjectNode();
        r.put("formatVersion", 1);
        r.put("mode", mode);
        r.put("clients", clients);
        r.put("workers", workers);
        r.put("durationSeconds", round(durationSeconds, 3));
        r.put("connected", s.connected());
        r.put("connectFailed", s.connFailed());
        r.put("disconnected", s.disconnected());
        r.put("subscribed", s.subscribed());
        r.put("subscribeFailed", s.subFailed());
        r.put("sent", s.sent());
        r.put("acked", s.acked());
        r.put("received", s.received());
        if (expected > 0) {
            r.put("expected", expected);
            r.put("receiveRatio", round((double) s.received() / expected, 6));
        } else {
            r.putNull("expected");
            r.putNull("receiveRatio");
        }
        ObjectNode rates = r.putObject("rates");
        rates.put("connectPerSecond", rate(s.connected(), s.firstConnect(), s.lastConnect(), durationSeconds));
        rates.put("sentPerSecond", rate(s.sent(), s.firstSent(), s.lastSent(), durationSeconds));
        rates.put("receivedPerSecond", rate(s.received(), s.firstRecv(), s.lastRecv(), durationSeconds));
        ObjectNode lat = r.putObject("latencyMs");
        long n = latencyMicros.getTotalCount();
        lat.put("count", n);
        putMillis(lat, "p50", n, latencyMicros.getValueAtPercentile(50));
        putMillis(lat, "p90", n, latencyMicros.getValueAtPercentile(90));
        putMillis(lat, "p99", n, latencyMicros.getValueAtPercentile(99));
        putMillis(lat, "p99_9", n, latencyMicros.getValueAtPercentile(99.9));
        putMillis(lat, "max", n, latencyMicros.getMaxValue());
        return r;
    }

    private static void putMillis(ObjectNode node, String field, long count, long micros) {
        if (count == 0) {
            node.putNull(field);
        } else {
            node.put(field, round(micros / 1000.0, 3));
        }
    }

    /** Events per second from the first to the last event; the whole run when they span less than a millisecond. */
    static double rate(long count, long firstMicros, long lastMicros, double durationSeconds) {
        if (count == 0) {
            return 0;
        }
        double span = (lastMicros - firstMicros) / 1e6;
        if (span < 1e-3) {
            span = Math.max(durationSeconds, 1e-3);
        }
        return round(count / span, 1);
    }

    private static double round(double v, int decimals) {
        double f = Math.pow(10, decimals);
        return Math.round(v * f) / f;
    }

    public static String toJson(ObjectNode report) {
        try {
            return JSON.writeValueAsString(report);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise the report", e);
        }
    }

    /**
     * Writes the report atomically: to a temporary file beside {@code target}, then moved over it, so a reader never
     * sees half a report.
     */
    public static void write(ObjectNode report, Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = Files.createTempFile(dir, abs.getFileName().toString(), ".tmp");
        try {
            Files.writeString(tmp, toJson(report) + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
