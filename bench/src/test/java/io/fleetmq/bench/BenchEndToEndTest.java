package io.fleetmq.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetmq.bench.testing.Bench;
import io.fleetmq.bench.testing.BrokerFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** conn, sub and pub against a real FleetMQ broker in this JVM, over real sockets. */
@Timeout(value = 50, unit = TimeUnit.SECONDS)
class BenchEndToEndTest {
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

    private String port() {
        return Integer.toString(broker.port());
    }

    @Test
    void connModeConnectsEveryClientAndReportsIt() throws Exception {
        Path report = dir.resolve("conn.json");
        Bench b = Bench.run("conn", "-h", "127.0.0.1", "-p", port(), "-c", "50", "-i", "0", "--duration", "2",
                "--report", report.toString());

        assertThat(b.exitCode()).as(b.err()).isZero();
        assertThat(b.out()).contains("conn total=50");
        JsonNode r = Bench.readReport(report);
        assertThat(r.get("mode").asText()).isEqualTo("conn");
        assertThat(r.get("clients").asInt()).isEqualTo(50);
        assertThat(r.get("connected").asLong()).isEqualTo(50);
        assertThat(r.get("connectFailed").asLong()).isZero();
        assertThat(r.get("rates").get("connectPerSecond").asDouble()).isPositive();
    }

    /** c subscribers on one topic, one publisher with -L: every subscriber gets every message. */
    @ParameterizedTest(name = "QoS {0}, MQTT version {1}")
    @CsvSource({"0, 5", "1, 4", "2, 5", "1, 3", "2, 3"})
    void subAndPubInOneProcessRoundTrip(int qos, int version) throws Exception {
        int subscribers = 3;
        int limit = 200;
        String topic = "rt/" + qos + "/" + version;
        Path report = dir.resolve("sub.json");
        CompletableFuture<Bench> sub = CompletableFuture.supplyAsync(() -> Bench.run("sub", "-h", "127.0.0.1",
                "-p", port(), "-V", Integer.toString(version), "-c", Integer.toString(subscribers), "-i", "0",
                "-t", topic, "-q", Integer.toString(qos), "--expect", Integer.toString(subscribers * limit),
                "--duration", "30", "--report", report.toString()));
        awaitSubscriptions(topic, subscribers);

        Bench pub = Bench.run("pub", "-h", "127.0.0.1", "-p", port(), "-V", Integer.toString(version), "-c", "2",
                "-i", "0", "-t", topic, "-q", Integer.toString(qos), "-s", "64", "-I", "0", "-F", "10",
                "-L", Integer.toString(limit), "--duration", "30", "--report", dir.resolve("pub.json").toString());

        assertThat(pub.exitCode()).as(pub.err()).isZero();
        JsonNode p = Bench.readReport(dir.resolve("pub.json"));
        assertThat(p.get("sent").asLong()).isEqualTo(limit);
        assertThat(p.get("acked").asLong()).isEqualTo(limit);

        Bench s = sub.get(40, TimeUnit.SECONDS);
        assertThat(s.exitCode()).as(s.err()).isZero();
        JsonNode r = Bench.readReport(report);
        assertThat(r.get("received").asLong()).isEqualTo((long) subscribers * limit);
        assertThat(r.get("expected").asLong()).isEqualTo((long) subscribers * limit);
        assertThat(r.get("receiveRatio").asDouble()).isEqualTo(1.0);
        JsonNode lat = r.get("latencyMs");
        assertThat(lat.get("count").asLong()).isEqualTo((long) subscribers * limit);
        for (String f : new String[] {"p50", "p90", "p99", "p99_9", "max"}) {
            assertThat(lat.get(f).isNumber()).as(f).isTrue();
            assertThat(lat.get(f).asDouble()).as(f).isGreaterThanOrEqualTo(0).isLessThan(30_000);
        }
        assertThat(lat.get("p50").asDouble()).isLessThanOrEqualTo(lat.get("max").asDouble());
    }

    /** %i in the topic gives each publisher its own topic; one subscriber per topic receives that share. */
    @Test
    void topicTemplateUsesTheClientSequenceNumber() throws Exception {
        Path report = dir.resolve("tpl.json");
        CompletableFuture<Bench> sub = CompletableFuture.supplyAsync(() -> Bench.run("sub", "-h", "127.0.0.1",
                "-p", port(), "-c", "4", "-n", "10", "-i", "0", "-t", "tpl/%i", "-q", "1", "--expect", "40",
                "--duration", "30", "--report", report.toString()));
        awaitSubscriptions("tpl/13", 1);
        Bench pub = Bench.run("pub", "-h", "127.0.0.1", "-p", port(), "-c", "4", "-n", "10", "-i", "0",
                "-t", "tpl/%i", "-q", "1", "-I", "5", "-L", "40", "--duration", "30");
        assertThat(pub.exitCode()).as(pub.err()).isZero();
        assertThat(sub.get(40, TimeUnit.SECONDS).exitCode()).isZero();
        assertThat(Bench.readReport(report).get("receiveRatio").asDouble()).isEqualTo(1.0);
    }

    /** Waits until the broker routes {@code topic} to {@code n} subscribers. */
    static void awaitSubscriptions(String topic, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (broker.broker().router().registry().match(topic).subscriptions().size() >= n) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no " + n + " subscriptions on " + topic);
    }
}
