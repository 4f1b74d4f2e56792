package io.fleetmq.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetmq.bench.testing.Bench;
import io.fleetmq.bench.testing.BrokerFixture;
import io.fleetmq.broker.session.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Source addresses (--ifaddr) as the broker sees them, and --workers child processes. */
// Bounds, not waits: each run ends when its work is done. They allow for worker JVMs that take ~20 s to start when
// the machine's two cores are shared by many builds (load average above 20).
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class IfaddrAndWorkersTest {
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

    @Test
    void ifaddrBindsTheGivenSourceAddressesRoundRobin() throws Exception {
        CompletableFuture<Bench> run = CompletableFuture.supplyAsync(() -> Bench.run("conn", "-h", "127.0.0.1",
                "-p", Integer.toString(broker.port()), "-c", "6", "-i", "0", "--prefix", "ifaddr",
                "--ifaddr", "127.0.0.2,127.0.0.3", "--duration", "4"));
        Set<String> seen = new HashSet<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (seen.size() < 6 && System.nanoTime() < deadline) {
            seen.clear();
            for (int i = 0; i < 6; i++) {
                Session s = broker.broker().sessions().store().get("ifaddr_" + i);
                if (s != null && s.connection() != null) {
                    seen.add(i + "=" + s.connection().remoteAddress());
                }
            }
            Thread.sleep(20);
        }
        assertThat(run.get(20, TimeUnit.SECONDS).exitCode()).isZero();
        assertThat(seen).hasSize(6);
        for (String entry : seen) {
            int i = Integer.parseInt(entry.substring(0, entry.indexOf('=')));
            String expected = i % 2 == 0 ? "127.0.0.2" : "127.0.0.3";
            assertThat(entry).as("client %d", i).contains("=" + expected + ":").doesNotContain("127.0.0.1:");
        }
    }

    @Test
    void workersSplitTheClientsAndTheReportCountsThemAll() throws Exception {
        String port = Integer.toString(broker.port());
        Path subReport = dir.resolve("sub.json");
        CompletableFuture<Bench> sub = CompletableFuture.supplyAsync(() -> Bench.run("sub", "-h", "127.0.0.1",
                "-p", port, "-c", "6", "-i", "0", "-t", "workers/t", "-q", "1", "--workers", "2",
                "--io-threads", "1", "--expect", "600", "--duration", "120", "--report", subReport.toString()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (broker.broker().router().registry().match("workers/t").subscriptions().size() < 6) {
            assertThat(System.nanoTime()).as("6 subscriptions from the workers").isLessThan(deadline);
            Thread.sleep(50);
        }
        Path pubReport = dir.resolve("pub.json");
        Bench pub = Bench.run("pub", "-h", "127.0.0.1", "-p", port, "-c", "2", "-i", "0", "-t", "workers/t",
                "-q", "1", "-I", "0", "-F", "5", "-L", "100", "--workers", "2", "--io-threads", "1",
                "--duration", "120", "--report", pubReport.toString());
        assertThat(pub.exitCode()).as(pub.err()).isZero();
        JsonNode p = Bench.readReport(pubReport);
        assertThat(p.get("workers").asInt()).isEqualTo(2);
        assertThat(p.get("connected").asLong()).isEqualTo(2);
        assertThat(p.get("sent").asLong()).isEqualTo(100);
        assertThat(p.get("acked").asLong()).isEqualTo(100);

        Bench s = sub.get(130, TimeUnit.SECONDS);
        assertThat(s.exitCode()).as(s.err()).isZero();
        assertThat(s.out()).contains("recv total=600");
        JsonNode r = Bench.readReport(subReport);
        assertThat(r.get("workers").asInt()).isEqualTo(2);
        assertThat(r.get("clients").asInt()).isEqualTo(6);
        assertThat(r.get("connected").asLong()).isEqualTo(6);
        assertThat(r.get("subscribed").asLong()).isEqualTo(6);
        assertThat(r.get("received").asLong()).isEqualTo(600);
        assertThat(r.get("receiveRatio").asDouble()).isEqualTo(1.0);
        assertThat(r.get("latencyMs").get("count").asLong()).isEqualTo(600);
        assertThat(r.get("latencyMs").get("p99").isNumber()).isTrue();
        // the children are other processes: their client ids share the parent's prefix
        assertThat(broker.broker().sessions().store().all()).noneMatch(x -> x.isConnected()
                && x.clientId().startsWith("bench_sub_"));
    }
}
