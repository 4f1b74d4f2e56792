package io.fleetmq.bench.workers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetmq.bench.stats.Snapshot;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.zip.DataFormatException;

/**
 * The worker-to-parent protocol (version 1): one JSON object per line on the worker's stdout.
 * <pre>
 * {"v":1,"type":"stats","snapshot":{...cumulative counters...}}                      every second
 * {"v":1,"type":"final","snapshot":{...},"histogram":"BASE64"}                          once, at the end
 * </pre>
 * The histogram is HdrHistogram's compressed encoding (microseconds), so the parent merges exact distributions.
 * The parent tells a worker to finish by writing {@code stop} on its stdin (or closing it).
 */
public final class StatLine {
    static final ObjectMapper JSON = new ObjectMapper();

    public static final String STOP = "stop";

    /** A decoded line: {@code histogram} is null for "stats". */
    public record Parsed(boolean isFinal, Snapshot snapshot, Histogram histogram) {
    }

    private StatLine() {
    }

    public static String encode(Snapshot s, Histogram finalHistogram) {
        ObjectNode n = JSON.createObjectNode();
        n.put("v", 1);
        n.put("type", finalHistogram == null ? "stats" : "final");
        n.set("snapshot", JSON.valueToTree(s));
        if (finalHistogram != null) {
            ByteBuffer buf = ByteBuffer.allocate(finalHistogram.getNeededByteBufferCapacity());
            int len = finalHistogram.encodeIntoCompressedByteBuffer(buf);
            byte[] bytes = new byte[len];
            buf.flip();
            buf.get(bytes);
            n.put("histogram", Base64.getEncoder().encodeToString(bytes));
        }
        return n.toString();
    }

    /** @throws IllegalArgumentException if the line is not a version-1 stat line */
    public static Parsed decode(String line) {
        try {
            JsonNode n = JSON.readTree(line);
            if (n == null || n.path("v").asInt() != 1) {
                throw new IllegalArgumentException("not a version-1 worker stat line: " + line);
            }
            Snapshot s = JSON.treeToValue(n.get("snapshot"), Snapshot.class);
            boolean fin = "final".equals(n.path("type").asText());
            Histogram h = null;
            if (fin) {
                byte[] bytes = Base64.getDecoder().decode(n.path("histogram").asText());
                h = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0);
            }
            return new Parsed(fin, s, h);
        } catch (IOException | DataFormatException | RuntimeException e) {
            throw new IllegalArgumentException("bad worker stat line: " + e.getMessage(), e);
        }
    }
}
