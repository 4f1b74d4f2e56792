package io.fleetmq.broker.cli;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code fleetmq cluster up / status / down} for real: three broker JVMs, a real HAProxy in front, real clients
 * through the single endpoint.
 */
class LocalClusterCommandTest {
    @TempDir
    Path dir;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        var cmd = FleetMqCli.commandLine(new FleetMqCli(Map.of(), BrokerStarter.REAL));
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    private static boolean haproxyInstalled() {
        return new File("/usr/sbin/haproxy").canExecute() || new File("/usr/bin/haproxy").canExecute();
    }

    /** A base port with {@code count} consecutive free ports on 127.0.0.1. */
    private static int freeRange(int count) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(20_000, 32_000);
            boolean free = true;
            for (int p = base; p < base + count && free; p++) {
                try (ServerSocket s = new ServerSocket()) {
                    s.bind(new InetSocketAddress("127.0.0.1", p));
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IllegalStateException("no free port range");
    }

    @Test
    void upStartsThreeNodesBehindOneEndpointThatClientsShareAndDownStopsThem() throws Exception {
        assumeTrue(haproxyInstalled(), "haproxy is not installed (apt-get install haproxy); .ci/run installs it");
        int base = freeRange(10);
        String endpoint = Integer.toString(base);
        String[] where = {"cluster", "--dir", dir.toString()};
        try {
            int up = run(concat(where, "up", "--nodes", "3", "--port", endpoint,
                    "--node-base-port", Integer.toString(base + 1), "--cluster-base-port", Integer.toString(base + 4),
                    "--http-base-port", Integer.toString(base + 7)));
            assertThat(up).as("up: %s%s", out, err).isZero();
            assertThat(out.toString()).contains("FleetMQ cluster of 3 nodes ready: mqtt://127.0.0.1:" + endpoint);

            // Clients all use the one endpoint; HAProxy spreads them over the nodes, which exchange messages.
            BlockingQueue<String> got = new LinkedBlockingQueue<>();
            MqttClient sub = new MqttClient("tcp://127.0.0.1:" + endpoint, "lc-sub", new MemoryPersistence());
            sub.connect();
            sub.subscribe("site/+/alarm", 1, (t, m) -> got.add(new String(m.getPayload(), StandardCharsets.UTF_8)));
            Thread.sleep(200);
            List<MqttClient> publishers = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                MqttClient p = new MqttClient("tcp://127.0.0.1:" + endpoint, "lc-pub-" + i, new MemoryPersistence());
                p.connect();
                p.publish("site/" + i + "/alarm", ("a" + i).getBytes(StandardCharsets.UTF_8), 1, false);
                publishers.add(p);
            }
            List<String> received = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String m = got.poll(10, TimeUnit.SECONDS);
                assertThat(m).as("message %d through the endpoint", i).isNotNull();
                received.add(m);
            }
            assertThat(received).containsExactlyInAnyOrder("a0", "a1", "a2", "a3", "a4");

            Thread.sleep(2500); // $SYS (member names) is refreshed every 2 s on local-cluster nodes
            out.getBuffer().setLength(0);
            assertThat(run(concat(where, "status"))).as("status: %s%s", out, err).isZero();
            String status = out.toString();
            assertThat(status).contains("node-1", "node-2", "node-3").contains("node-1,node-2,node-3");
            long connectionsReported = status.lines().filter(l -> l.startsWith("node-"))
                    .mapToLong(l -> Long.parseLong(l.trim().split("\\s+")[5])).sum();
            assertThat(connectionsReported).as("6 clients spread over the nodes:\n%s", status).isEqualTo(6);
            assertThat(status.lines().filter(l -> l.startsWith("node-"))
                    .filter(l -> !l.trim().split("\\s+")[5].equals("0")).count())
                    .as("least-connections spreads clients over more than one node:\n%s", status)
                    .isGreaterThan(1);
            for (MqttClient p : publishers) {
                p.disconnect();
            }
            sub.disconnect();
        } finally {
            out.getBuffer().setLength(0);
            int down = run(concat(where, "down"));
            assertThat(down).as("down: %s%s", out, err).isZero();
        }
        assertThat(Files.exists(dir.resolve("cluster.properties"))).isFalse();
        err.getBuffer().setLength(0);
        assertThat(run(concat(where, "status"))).isEqualTo(1);
        assertThat(err.toString()).contains("no local cluster in " + dir);
    }

    @Test
    void upGivesTheClusterAnOwnerOnlySecretThatEveryNodeUsesAndASecondUpReusesIt() throws Exception {
        assumeTrue(haproxyInstalled(), "haproxy is not installed (apt-get install haproxy); .ci/run installs it");
        Path secret = dir.resolve("cluster.secret");
        String first = null;
        for (int round = 1; round <= 2; round++) {
            int base = freeRange(7);
            String[] where = {"cluster", "--dir", dir.toString()};
            out.getBuffer().setLength(0);
            try {
                int up = run(concat(where, "up", "--nodes", "2", "--port", Integer.toString(base),
                        "--node-base-port", Integer.toString(base + 1), "--cluster-base-port",
                        Integer.toString(base + 3), "--http-base-port", Integer.toString(base + 5)));
                assertThat(up).as("up #%d: %s%s", round, out, err).isZero();
                assertThat(out.toString()).contains("cluster secret: " + secret + " ("
                        + (round == 1 ? "new" : "reused"));
                assertThat(Files.getPosixFilePermissions(secret))
                        .containsExactlyInAnyOrderElementsOf(PosixFilePermissions.fromString("rw-------"));
                String content = Files.readString(secret, StandardCharsets.US_ASCII).strip();
                assertThat(Base64.getDecoder().decode(content)).as("48 random bytes").hasSize(48);
                if (first == null) {
                    first = content;
                } else {
                    assertThat(content).as("the second up reuses the secret").isEqualTo(first);
                }
                // Each node was given the secret, and none runs in plaintext (that would be a WARN in its log).
                java.util.Properties state = new java.util.Properties();
                try (var in = Files.newBufferedReader(dir.resolve("cluster.properties"))) {
                    state.load(in);
                }
                for (int n = 1; n <= 2; n++) {
                    String cmdline = Files.readString(Path.of("/proc", state.getProperty("node." + n + ".pid"),
                            "cmdline"), StandardCharsets.UTF_8).replace('\0', ' ');
                    assertThat(cmdline).as("node-%d command line", n)
                            .contains("cluster.secretFile=" + secret.toAbsolutePath());
                    assertThat(Files.readString(dir.resolve("node-" + n + ".log"), StandardCharsets.UTF_8))
                            .as("node-%d log", n).doesNotContain("cluster.secretFile not set");
                }
            } finally {
                assertThat(run(concat(where, "down"))).as("down: %s%s", out, err).isZero();
            }
        }
        assertThat(Files.exists(secret)).as("down keeps the secret for the next up").isTrue();
    }

    @Test
    void upRefusesAnEndpointPortInUseAndStartsNothing() throws Exception {
        assumeTrue(haproxyInstalled(), "haproxy is not installed (apt-get install haproxy); .ci/run installs it");
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = taken.getLocalPort();
            int base = freeRange(9);
            int code = run("cluster", "--dir", dir.toString(), "up", "--port", Integer.toString(port),
                    "--node-base-port", Integer.toString(base), "--cluster-base-port", Integer.toString(base + 3),
                    "--http-base-port", Integer.toString(base + 6));
            assertThat(code).isEqualTo(1);
            assertThat(err.toString()).contains("port " + port + " for the endpoint (--port) is in use");
            assertThat(Files.exists(dir.resolve("cluster.properties"))).isFalse();
            assertThat(Files.exists(dir.resolve("node-1.log"))).as("no node was started").isFalse();
        }
    }

    @Test
    void nodesOutsideOneToNineAreBadInput() {
        assertThat(run("cluster", "--dir", dir.toString(), "up", "--nodes", "12")).isEqualTo(2);
        assertThat(err.toString()).contains("--nodes must be between 1 and 9, got 12");
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = new String[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
