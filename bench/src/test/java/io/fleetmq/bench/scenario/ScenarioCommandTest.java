package io.fleetmq.bench.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetmq.bench.testing.Bench;
import io.fleetmq.bench.testing.BrokerFixture;
import io.fleetmq.broker.session.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bench scenario FILE} against a real FleetMQ broker in this JVM: exit codes 0, 1 and 2, and the report. */
@Timeout(value = 55, unit = TimeUnit.SECONDS)
class ScenarioCommandTest {
    private static BrokerFixture broker;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() {
        broker = BrokerFixture.start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private String endpoint() {
        return "127.0.0.1:" + broker.port();
    }

    @Test
    void smokeScenarioPassesEverySloAndWritesTheReport() throws Exception {
        Path report = dir.resolve("smoke.json");
        Bench b = Bench.run("scenario", "scenarios/smoke.yaml", "--broker", endpoint(), "--report", report.toString());

        assertThat(b.exitCode()).as(b.out() + b.err()).isZero();
        assertThat(b.out()).contains("phase subscribe", "sub total=100", "phase publish", "recv total=2000",
                "scenario smoke: PASS");
        assertThat(b.out()).containsPattern("minReceiveRatio +>= 0.999 +1 +PASS");
        JsonNode r = Bench.readReport(report);
        assertThat(r.get("mode").asText()).isEqualTo("scenario");
        assertThat(r.get("scenario").get("name").asText()).isEqualTo("smoke");
        assertThat(r.get("scenario").get("brokers").get(0).asText()).isEqualTo(endpoint());
        assertThat(r.get("sent").asLong()).isEqualTo(20);
        assertThat(r.get("expected").asLong()).isEqualTo(2000);
        assertThat(r.get("received").asLong()).isEqualTo(2000);
        assertThat(r.get("receiveRatio").asDouble()).isEqualTo(1.0);
        assertThat(r.get("latencyMs").get("p99").isNumber()).isTrue();
        assertThat(r.get("slo")).hasSize(3).allSatisfy(s -> assertThat(s.get("pass").asBoolean()).isTrue());
        assertThat(r.get("passed").asBoolean()).isTrue();
    }

    @Test
    void aTopicNobodyPublishesToFailsTheReceiveRatio() throws Exception {
        Path file = dir.resolve("silent.yaml");
        Files.writeString(file, Files.readString(Path.of("scenarios/smoke.yaml"))
                .replace("name: smoke", "name: silent")
                .replace("    count: 100\n    topic: smoke/all", "    count: 1\n    topic: nobody/publishes/here"));
        Path report = dir.resolve("silent.json");
        Bench b = Bench.run("scenario", file.toString(), "--broker", endpoint(), "--report", report.toString());

        assertThat(b.exitCode()).as(b.out() + b.err()).isEqualTo(1);
        assertThat(b.out()).contains("matches the topic of 0 of 2 publishers", "scenario silent: FAIL (2 of 3 SLOs)");
        assertThat(b.err()).contains("scenario silent: SLO failed: minReceiveRatio: 0 < 0.999 (short by 0.999)",
                "SLO failed: maxP99LatencyMs: no message was received");
        JsonNode r = Bench.readReport(report);
        assertThat(r.get("passed").asBoolean()).isFalse();
        assertThat(r.get("receiveRatio").asDouble()).isZero();
        assertThat(r.get("slo").get(0).get("name").asText()).isEqualTo("minReceiveRatio");
        assertThat(r.get("slo").get(0).get("pass").asBoolean()).isFalse();
        assertThat(r.get("slo").get(2).get("pass").asBoolean()).isTrue();
    }

    @Test
    void subscribersInWorkerProcessesFromTwoSourceAddressesOneToOneTopics() throws Exception {
        Path file = dir.resolve("workers.yaml");
        Files.writeString(file, Files.readString(Path.of("scenarios/smoke.yaml"))
                .replace("name: smoke", "name: workers")
                .replace("    count: 100\n    topic: smoke/all", "    count: 4\n    topic: w/%i\n    workers: 2\n    ifaddr: [127.0.0.2-127.0.0.3]")
                .replace("topic: smoke/all", "topic: w/%i")
                .replace("messageLimit: 20", "messageLimit: 40"));
        Path report = dir.resolve("workers.json");
        Bench.Started run = Bench.start("scenario", file.toString(), "--broker", endpoint(), "--report",
                report.toString());
        // While the subscribers are connected, the broker sees them come from the two source addresses.
        String prefix = "workers_" + ProcessHandle.current().pid() + "_s_";
        Set<String> sources = new TreeSet<>();
        while (!run.done().isDone() && sources.size() < 2) {
            for (int i = 0; i < 4; i++) {
                Session s = broker.broker().sessions().store().get(prefix + i);
                if (s != null && s.connection() != null) {
                    sources.add(s.connection().remoteAddress().toString().replaceAll(":[0-9]+$", ""));
                }
            }
            Thread.sleep(20);
        }
        Bench b = run.done().get(45, TimeUnit.SECONDS);

        assertThat(b.exitCode()).as(b.out() + b.err()).isZero();
        assertThat(sources).hasSize(2).allSatisfy(a -> assertThat(a).matches(".*127\\.0\\.0\\.[23]"));
        JsonNode r = Bench.readReport(report);
        assertThat(r.get("scenario").get("delivery").asText()).isEqualTo("one-to-one");
        assertThat(r.get("workers").asInt()).isEqualTo(3);
        assertThat(r.get("expected").asLong()).isEqualTo(40);
        assertThat(r.get("received").asLong()).isEqualTo(40);
        assertThat(r.get("latencyMs").get("count").asLong()).isEqualTo(40);
    }

    @Test
    void badFileExitsTwoWithPathAndLineAndRunsNothing() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, Files.readString(Path.of("scenarios/smoke.yaml"))
                .replace("kind: BenchScenario\n", "")
                .replace("    qos: 1\n    protocolVersion: 5", "    qos: 3\n    protocolVersion: 5\n    colour: red"));
        Bench b = Bench.run("scenario", file.toString(), "--broker", endpoint());

        assertThat(b.exitCode()).isEqualTo(2);
        assertThat(b.out()).doesNotContain("phase");
        assertThat(b.err()).contains("bad.yaml: kind: is required (line 3)",
                "bad.yaml: spec.subscribers.qos: must be 0, 1 or 2, got 3 (line 12)",
                "bad.yaml: spec.subscribers.colour: unknown key",
                "3 problem(s); nothing was run");
    }

    @Test
    void badBrokerOverrideAndMissingFileExitTwo() {
        Bench bad = Bench.run("scenario", "scenarios/smoke.yaml", "--broker", "no-port");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--broker: must be host:port with a port of 1..65535, got 'no-port'");

        Bench missing = Bench.run("scenario", "scenarios/none.yaml");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("none.yaml: cannot read");
    }

    @Test
    void checkOnlyValidates() {
        Bench b = Bench.run("scenario", "--check", "scenarios/seed-200k.yaml");

        assertThat(b.exitCode()).as(b.err()).isZero();
        assertThat(b.out()).contains("seed-200k.yaml: valid (seed-200k)");
    }
}
