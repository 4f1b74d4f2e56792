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
 * module in the reactor) and Debian's mosquitto, every row of the table filled with numbers and ratios.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CompareEndToEndTest {
    private static final Pattern NUMBER = Pattern.compile("-?[0-9][0-9,]*(\\.[0-9]+)?");

    private static final List<String> ROWS = List.of(
            "memory per idle connection, KB (RSS growth / 500 connections)",
            "connection rate, CONNECT→CONNACK per s (500 clients)",
            "throughput QoS 0, fan-in 20 → 1, msg/s delivered",
            "throughput QoS 0, fan-out 1 → 50, msg/s delivered",
            "throughput QoS 0, point-to-point 20 pairs, msg/s delivered",
            "throughput QoS 1, fan-in 20 → 1, msg/s delivered",
            "throughput QoS 1, fan-out 1 → 50, msg/s delivered",
            "throughput QoS 1, point-to-point 20 pairs, msg/s delivered",
            "latency p50, ms (p2p QoS 1, 20 pairs",
            "latency p99, ms (p2p QoS 1, 20 pairs");

    @Test
    void quickCompareWritesTheWholeTable() throws Exception {
        assumeTrue(Files.isExecutable(BrokerProcess.MOSQUITTO),
                "/usr/sbin/mosquitto is not installed (.ci/run installs it)");
        Path root = BrokerProcess.repoRoot();
        assumeTrue(Files.isRegularFile(root.resolve("broker/target/classpath.txt"))
                        && Files.isDirectory(root.resolve("broker/target/classes")),
                "the broker module is not packaged (broker/target/classpath.txt missing); "
                        + "run './mvnw package -pl broker -am' or build from the root");
        Path out = Path.of("target/compare.md");
        Files.deleteIfExists(out);

        Bench b = Bench.run("compare", "--quick", "--out", out.toString());

        assertThat(b.exitCode()).as(b.err()).isZero();
        assertThat(b.err()).contains("memory FleetMQ").contains("latency at").contains("brokers: stopped");
        String md = Files.readString(out);
        assertThat(md).contains("Command: `./fleetmq bench compare --quick --out target/compare.md`")
                .contains("mosquitto version").contains("cores")
                .contains("| metric | FleetMQ | Mosquitto | ratio (FleetMQ/Mosquitto) | target | met? |")
                .contains("lower is better");
        List<String> lines = md.lines().toList();
        int header = lines.indexOf("| metric | FleetMQ | Mosquitto | ratio (FleetMQ/Mosquitto) | target | met? |");
        List<String> tableRows = lines.subList(header + 2, lines.size()).stream()
                .takeWhile(l -> l.startsWith("| ")).toList();
        assertThat(tableRows).hasSize(ROWS.size());
        for (int i = 0; i < ROWS.size(); i++) {
            String row = tableRows.get(i);
            assertThat(row).as("row %d", i).startsWith("| " + ROWS.get(i));
            String[] cells = row.split("\\|");
            // "", metric, FleetMQ, Mosquitto, ratio, target, met?
            assertThat(cells).as(row).hasSize(7);
            for (int c = 2; c <= 4; c++) {
                assertThat(cells[c].strip()).as("cell %d of %s", c, row).matches(NUMBER);
            }
            assertThat(cells[6].strip()).as(row).isIn("yes", "**no**", "—");
        }
        // the detail table: one line per throughput row, published and delivered rates for both brokers
        assertThat(md).contains("| workload | FleetMQ published/s | FleetMQ delivered/s |");
        assertThat(lines.stream().filter(l -> l.startsWith("| QoS ")).count()).isEqualTo(6);
    }
}
