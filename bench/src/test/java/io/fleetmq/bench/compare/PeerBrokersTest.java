package io.fleetmq.bench.compare;

import io.fleetmq.bench.run.BenchPlan;
import io.fleetmq.bench.run.LocalRun;
import io.fleetmq.bench.run.Mode;
import io.fleetmq.bench.run.StopSignal;
import io.fleetmq.bench.stats.Snapshot;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The three brokers of {@code bench compare} as the command starts them (FleetMQ and HiveMQ CE each in its own JVM,
 * Debian's mosquitto), once for the class because HiveMQ CE takes seconds to start: the new workloads at a small size
 * against each, and what a client without the run's certificate gets from their mutual-TLS listeners.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class PeerBrokersTest {
    private Path work;
    private TlsMaterial tls;
    private final StringWriter progress = new StringWriter();
    private Workloads workloads;
    private BrokerProcess fleet;
    private BrokerProcess mosquitto;
    private BrokerProcess hive;

    @BeforeAll
    void startTheThreeBrokers() throws IOException {
        assumeTrue(Files.isExecutable(BrokerProcess.MOSQUITTO),
                "/usr/sbin/mosquitto is not installed (.ci/run installs it)");
        Path root = BrokerProcess.repoRoot();
        assumeTrue(Files.isRegularFile(root.resolve("broker/target/classpath.txt"))
                        && Files.isRegularFile(root.resolve("bench-hivemq/target/classpath.txt")),
                "broker or bench-hivemq is not packaged (target/classpath.txt missing); run "
                        + "'./mvnw verify -pl bench -am' or build from the root");
        work = Files.createTempDirectory(Path.of("target"), "peers");
        tls = TlsMaterial.create(work.resolve("tls"));
        workloads = new Workloads(new PrintWriter(progress, true), new StopSignal());
        fleet = BrokerProcess.startFleetMq(root, "-Xmx256m", work, tls);
        mosquitto = BrokerProcess.startMosquitto(work, tls);
        hive = BrokerProcess.startHiveMq(root, "-Xmx512m", work, tls);
    }

    @AfterAll
    void stopThem() throws IOException {
        for (BrokerProcess b : new BrokerProcess[] {fleet, mosquitto, hive}) {
            if (b != null) {
                b.close();
            }
        }
        if (work != null) {
            try (var files = Files.walk(work)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    private List<BrokerProcess> all() {
        return List.of(fleet, mosquitto, hive);
    }

    @Test
    @Order(1)
    void deliveryCheckReceivesEveryMessageSentOnEachBroker() throws IOException {
        for (BrokerProcess b : all()) {
            Workloads.Delivery d = workloads.delivery(b, 5, 20);
            assertThat(d.sent()).as(b.name() + " sent").isEqualTo(100);
            assertThat(d.acked()).as(b.name() + " acknowledged").isEqualTo(100);
            assertThat(d.received()).as(b.name() + " received").isEqualTo(100);
            assertThat(d.complete()).isTrue();
            assertThat(d.cpuMillis()).as(b.name() + " CPU").isNotNegative();
        }
    }

    @Test
    @Order(2)
    void mutualTlsConnectsAreMadeAndMeasuredOnEachBroker() throws IOException {
        for (BrokerProcess b : all()) {
            Workloads.TlsConnect t = workloads.tlsConnect(b, 10, tls.clientContext(), 0);
            assertThat(t.connected()).as(b.name() + " connected").isEqualTo(10);
            assertThat(t.failed()).as(b.name() + " failed").isZero();
            assertThat(t.perSecond()).as(b.name() + " rate").isPositive();
            assertThat(t.cpuMillis()).as(b.name() + " CPU").isNotNegative();
            assertThat(t.rssBeforeKb()).as(b.name() + " RSS").isPositive();
            assertThat(t.rssAfterKb()).as(b.name() + " RSS").isPositive();
        }
        assertThat(progress.toString()).contains("TLS connect HiveMQ CE: 10 connected, 0 failed");
    }

    /**
     * What the mTLS rows measure: with each broker's default TLS settings and the JDK client, a TLS 1.3 handshake with
     * the run's client certificate, after which the broker answers MQTT (CONNECT, CONNACK accepted).
     */
    @Test
    @Order(3)
    void eachBrokerNegotiatesTls13AndAcceptsTheRunsClientCertificate() throws Exception {
        SSLContext jdk = ((JdkSslContext) SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .trustManager(tls.caPem().toFile())
                .keyManager(tls.clientCertPem().toFile(), tls.clientKeyPem().toFile()).build()).context();
        byte[] clientId = "tls-probe".getBytes(StandardCharsets.US_ASCII);
        // MQTT 3.1.1 CONNECT [MQTT-3.1.2-1..]: protocol name "MQTT", level 4, clean session, keep alive 60 s
        java.io.ByteArrayOutputStream connect = new java.io.ByteArrayOutputStream();
        connect.write(new byte[] {0x10, (byte) (10 + 2 + clientId.length), 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60,
                0, (byte) clientId.length});
        connect.write(clientId);
        for (BrokerProcess b : all()) {
            try (SSLSocket s = (SSLSocket) jdk.getSocketFactory().createSocket("127.0.0.1", b.tlsPort())) {
                s.setSoTimeout(30_000);
                s.startHandshake();
                assertThat(s.getSession().getProtocol()).as(b.name()).isEqualTo("TLSv1.3");
                s.getOutputStream().write(connect.toByteArray());
                s.getOutputStream().flush();
                byte[] connack = s.getInputStream().readNBytes(4);
                // CONNACK, remaining length 2, no session present, return code 0 (accepted) [MQTT-3.2.2-3]
                assertThat(connack).as(b.name() + " CONNACK").containsExactly(0x20, 0x02, 0x00, 0x00);
            }
        }
    }

    @Test
    @Order(4)
    void eachBrokerProcessIsChargedItsOwnCpu() throws IOException {
        // the brokers are separate processes: the CPU read for one is its own, and it only grows
        for (BrokerProcess b : all()) {
            long before = b.cpuMillis();
            workloads.delivery(b, 2, 50);
            assertThat(b.cpuMillis()).as(b.name()).isGreaterThanOrEqualTo(before);
        }
        assertThat(fleet.cpuMillis()).as("a JVM broker has spent CPU by now").isPositive();
        assertThat(hive.cpuMillis()).as("a JVM broker has spent CPU by now").isPositive();
        assertThat(List.of(fleet.pid(), mosquitto.pid(), hive.pid())).doesNotHaveDuplicates()
                .doesNotContain(ProcessHandle.current().pid());
    }

    /** A client that trusts the brokers but has no certificate: every mTLS listener must refuse it. */
    @Test
    @Order(5)
    void clientWithoutCertificateIsRefusedByEveryTlsListener() throws IOException {
        for (BrokerProcess b : all()) {
            assertThat(tlsConnects(b, tls.clientContextWithoutCertificate()).connFailed())
                    .as(b.name() + " refuses a client without certificate").isEqualTo(3);
        }
    }

    /** A client certificate from another CA (another run's): every mTLS listener must refuse it. */
    @Test
    @Order(6)
    void clientCertificateFromAnotherCaIsRefusedByEveryTlsListener() throws IOException {
        TlsMaterial other = TlsMaterial.create(work.resolve("other-tls"));
        SslContext foreign = new FullHandshakeSslContext(SslContextBuilder.forClient()
                .trustManager(tls.caPem().toFile())
                .keyManager(other.clientCertPem().toFile(), other.clientKeyPem().toFile())
                .build());
        for (BrokerProcess b : all()) {
            assertThat(tlsConnects(b, foreign).connFailed())
                    .as(b.name() + " refuses a certificate of another CA").isEqualTo(3);
        }
        // and the same broker still takes the run's own certificate
        for (BrokerProcess b : all()) {
            assertThat(tlsConnects(b, tls.clientContext()).connected()).as(b.name()).isEqualTo(3);
        }
    }

    /** The HiveMQ CE peer must not outlive a parent that died without stopping it (its stdin pipe closes). */
    @Test
    @Order(7)
    void hiveMqPeerStopsWhenThePipeFromItsParentCloses() throws Exception {
        hive.closeInput();
        assertThat(hive.awaitExit(60)).as("HiveMQ CE peer exit code; log: %s", hive.logTail()).isZero();
        assertThatThrownBy(() -> new Socket("127.0.0.1", hive.port()).close()).isInstanceOf(IOException.class);
    }

    /** Three connects with {@code ssl} to the broker's mTLS port; the counters once all three are done. */
    private static Snapshot tlsConnects(BrokerProcess b, SslContext ssl) {
        LocalRun run = new LocalRun(new BenchPlan(Mode.CONN, List.of("127.0.0.1"), b.tlsPort(), 4, 3, 0, 0, null, 0,
                64, 0, 0, 1, 60, true, 0, null, null, List.of(), ssl, 0, 0, 1, "peer_test"));
        try {
            run.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                Snapshot s = run.stats().snapshot();
                if (s.connected() + s.connFailed() >= 3) {
                    return s;
                }
                assertThat(System.nanoTime()).as("3 TLS connects to %s done within 60 s", b.name())
                        .isLessThan(deadline);
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            run.stop();
        }
    }
}
