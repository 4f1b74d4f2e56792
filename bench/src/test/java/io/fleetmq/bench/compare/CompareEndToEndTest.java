package io.fleetmq.bench.compare;

import io.fleetmq.bench.testing.Bench;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code compare --quick} end to end: a real FleetMQ broker process (from broker/target, packaged before this
 * module in the reactor), Debian's mosquitto and HiveMQ CE (from bench-hivemq/target, its own JVM), every row of the
 * table filled with a figure per broker and FleetMQ's ratio to each peer. Small sizes (--idle 200, --tls-connects
 * 50, 1 s windows) keep it to a few minutes on a shared machine.
 */
@Timeout(value = 540, unit = TimeUnit.SECONDS)
class CompareEndToEndTest {
    private static final Pattern NUMBER = Pattern.compile("-?[0-9][0-9,]*(\\.[0-9]+)?");
    /** A figure, or n/a where nothing could be divided by (e.g. a broker that delivered nothing in a 1 s window). */
    private static final Pattern FIGURE = Pattern.compile(NUMBER.pattern() + "|" + CompareReport.NOT_MEASURED);

    private static final List<String> ROWS = List.of(
            "delivery check, messages received of 1,000 sent (QoS 1 point-to-point, 20 pairs × 50 messages)",
            "broker CPU per delivered message, µs (delivery check, QoS 1 point-to-point, 20 pairs × 50 messages)",
            "memory per idle connection, KB (RSS growth / 200 connections)",
            "connection rate, CONNECT→CONNACK per s (500 clients)",
            "broker CPU per connect, µs (the 500 connects above)",
            "throughput QoS 0, fan-in 20 → 1, msg/s delivered",
            "broker CPU per delivered message, µs (QoS 0, fan-in 20 → 1)",
            "throughput QoS 0, fan-out 1 → 50, msg/s delivered",
            "broker CPU per delivered message, µs (QoS 0, fan-out 1 → 50)",
            "throughput QoS 0, point-to-point 20 pairs, msg/s delivered",
            "broker CPU per delivered message, µs (QoS 0, point-to-point 20 pairs)",
            "throughput QoS 1, fan-in 20 → 1, msg/s delivered",
            "broker CPU per delivered message, µs (QoS 1, fan-in 20 → 1)",
            "throughput QoS 1, fan-out 1 → 50, msg/s delivered",
            "broker CPU per delivered message, µs (QoS 1, fan-out 1 → 50)",
            "throughput QoS 1, point-to-point 20 pairs, msg/s delivered",
            "broker CPU per delivered message, µs (QoS 1, point-to-point 20 pairs)",
            "latency p50, ms (p2p QoS 1, 20 pairs",
            "latency p99, ms (p2p QoS 1, 20 pairs",
            "mTLS connection rate, full handshakes per s (50 clients)",
            "broker CPU per mTLS connect, µs (50 full handshakes)",
            "memory per mTLS connection, KB (RSS growth / 50 connections)");

    @Test
    void quickCompareWritesTheWholeTable() throws Exception {
        assumeTrue(Files.isExecutable(BrokerProcess.MOSQUITTO),
                "/usr/sbin/mosquitto is not installed (.ci/run installs it)");
        Path root = BrokerProcess.repoRoot();
        assumeTrue(Files.isRegularFile(root.resolve("broker/target/classpath.txt"))
                        && Files.isDirectory(root.resolve("broker/target/classes"))
                        && Files.isRegularFile(root.resolve("bench-hivemq/target/classpath.txt")),
                "the broker or bench-hivemq module is not packaged (target/classpath.txt missing); "
                        + "run './mvnw verify -pl bench -am' or build from the root");
        Path out = Path.of("target/compare.md");
        Files.deleteIfExists(out);

        Bench b = Bench.run("compare", "--quick", "--duration", "1", "--idle", "200", "--tls-connects", "50",
                "--fleetmq-opts", "-Xmx512m", "--hivemq-opts", "-Xmx512m", "--out", out.toString());

        assertThat(b.exitCode()).as(b.err()).isZero();
        assertThat(b.err()).contains("memory FleetMQ").contains("memory HiveMQ CE").contains("latency at")
                .contains("TLS connect HiveMQ CE").contains("brokers: stopped");
        String md = Files.readString(out);
        assertThat(md).contains("Command: `./fleetmq bench compare --quick --duration 1 --idle 200")
                .contains("mosquitto version").contains("cores")
                .contains(CompareReport.HEADER)
                .contains("lower is better")
                // every HiveMQ CE setting that differs from its defaults is stated
                .contains("`persistence/mode in-memory`").contains("max-queue-size 1000`")
                .contains("client-authentication-mode REQUIRED").contains("HiveMQ CE 2025.5");
        List<String> lines = md.lines().toList();
        int header = lines.indexOf(CompareReport.HEADER);
        List<String> tableRows = lines.subList(header + 2, lines.size()).stream()
                .takeWhile(l -> l.startsWith("| ")).toList();
        assertThat(tableRows).hasSize(ROWS.size());
        for (int i = 0; i < ROWS.size(); i++) {
            String row = tableRows.get(i);
            assertThat(row).as("row %d", i).startsWith("| " + ROWS.get(i));
            String[] cells = row.split("\\|");
            // "", metric, FleetMQ, Mosquitto, HiveMQ CE, FleetMQ/Mosquitto, FleetMQ/HiveMQ CE, target, met?
            assertThat(cells).as(row).hasSize(9);
            for (int c = 2; c <= 6; c++) {
                assertThat(cells[c].strip()).as("cell %d of %s", c, row).matches(FIGURE);
            }
            assertThat(cells[8].strip()).as(row).isIn("yes", "**no**", "—");
        }
        // messages received equal to sent, on every broker, in the delivery check
        assertThat(tableRows.get(0)).startsWith("| " + ROWS.get(0) + " | 1,000 | 1,000 | 1,000 | 1.00 | 1.00 |");
        // every mTLS connection made on every broker, so per-connect CPU and RSS are figures, not n/a
        assertThat(md).doesNotContain("mTLS connects made of");
        for (int i = ROWS.size() - 3; i < ROWS.size(); i++) {
            String[] cells = tableRows.get(i).split("\\|");
            for (int c = 2; c <= 4; c++) {
                assertThat(cells[c].strip()).as("cell %d of %s", c, tableRows.get(i)).matches(NUMBER);
            }
        }
        // the detail table: one line per throughput row, published and delivered rates for all three brokers
        assertThat(md).contains("| workload | FleetMQ published/s | FleetMQ delivered/s |")
                .contains("| HiveMQ CE published/s | HiveMQ CE delivered/s | HiveMQ CE p99 ms |");
        assertThat(lines.stream().filter(l -> l.startsWith("| QoS ")).count()).isEqualTo(6);
    }
}
