package io.fleetmq.broker.it.security;

import io.fleetmq.broker.config.AuthConfig;
import io.fleetmq.broker.it.v3.LogCapture;
import io.fleetmq.broker.testing.ProxyHeaders;
import io.fleetmq.broker.testing.RawMqttClient;
import io.fleetmq.broker.testing.TestBroker;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * PROXY protocol on the TCP listener ({@code listeners.tcp.proxyProtocol: true}): real v1 and v2 headers written
 * from a socket, and Debian's HAProxy with {@code send-proxy-v2} as a real peer. The address from the header is
 * the one in log lines and the one failed logins are counted against.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxyProtocolTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private static TestBroker proxied(UnaryOperator<AuthConfig> auth) {
        return TestBroker.start(c -> c
                .withListeners(c.listeners().withTcp(c.listeners().tcp().withProxyProtocol(true)))
                .withAuth(auth.apply(c.auth())));
    }

    static byte[] v1(String sourceIp, int sourcePort) {
        return ProxyHeaders.v1(sourceIp, sourcePort);
    }

    static byte[] v2(String sourceIp, int sourcePort) {
        return ProxyHeaders.v2(sourceIp, sourcePort);
    }

    @Test
    void v1HeaderRealAddressAppearsInTheLog() {
        try (TestBroker b = proxied(a -> a); RawMqttClient c = RawMqttClient.open(b)) {
            c.sendRaw(v1("203.0.113.7", 40001));
            MqttConnAckMessage ack = c.connect("behind-nlb-v1", MqttVersion.MQTT_3_1_1, true, 30, null);

            assertThat(ack.variableHeader().connectReturnCode()).isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
            // The address every log line of this connection names (MqttConnection.describe()).
            assertThat(addressOf(b, "behind-nlb-v1")).isEqualTo("203.0.113.7:40001");
        }
    }

    @Test
    void v2HeaderIsAcceptedAndItsAddressUsed() throws Exception {
        try (TestBroker b = proxied(a -> a); RawMqttClient c = RawMqttClient.open(b)) {
            c.sendRaw(v2("198.51.100.9", 50123));
            MqttConnAckMessage ack = c.connect("behind-nlb-v2", MqttVersion.MQTT_5, true, 30, null);

            assertThat(ack.variableHeader().connectReturnCode()).isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
            assertThat(addressOf(b, "behind-nlb-v2")).isEqualTo("198.51.100.9:50123");
        }
    }

    @Test
    void connectionWithoutHeaderIsClosedAndOthersAreServed() {
        try (TestBroker b = proxied(a -> a); LogCapture log = LogCapture.all();
             RawMqttClient bare = RawMqttClient.open(b); RawMqttClient good = RawMqttClient.open(b)) {
            bare.protocolVersion(MqttVersion.MQTT_3_1_1);
            bare.send(RawMqttClient.connectBuilder("no-header", MqttVersion.MQTT_3_1_1, true, 30, null).build());

            assertThat(bare.awaitClosed(WAIT)).as("closed without a PROXY header").isTrue();
            assertThat(bare.drain(Duration.ofMillis(100))).as("no CONNACK").isEmpty();
            assertThat(b.broker().stats().proxyProtocolRejected.sum()).isEqualTo(1);
            assertThat(log.warningsContaining("no valid PROXY protocol header")).isEqualTo(1);

            good.sendRaw(v1("203.0.113.8", 40002));
            assertThat(good.connect("with-header", MqttVersion.MQTT_3_1_1, true, 30, null).variableHeader()
                    .connectReturnCode()).isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
        }
    }

    @Test
    void failedLoginsAreCountedPerRealAddress() throws Exception {
        Path pw = Passwords.write(dir.resolve("passwd"), "dev-1", "right-Pa55");
        try (TestBroker b = proxied(a -> new AuthConfig(false).withPasswordFile(pw.toString())
                .withFailedLoginsPerMinute(3)); LogCapture log = LogCapture.all()) {
            for (int i = 0; i < 3; i++) {
                assertThat(login(b, "203.0.113.50", "guess-Xy9q"))
                        .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD);
            }
            // The attacker's address is now refused even with the right password, unchecked...
            assertThat(login(b, "203.0.113.50", "right-Pa55"))
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
            // ...while a device behind the same load balancer, at another address, is served.
            assertThat(login(b, "203.0.113.51", "right-Pa55")).isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
            assertThat(log.warningsContaining("login refused: client=c-203.0.113.50 addr=203.0.113.50"))
                    .isEqualTo(3);
            assertThat(log.warningsContaining("addr=203.0.113.50 blocked for the rest of the minute")).isEqualTo(1);
            assertThat(log.eventsContaining("guess-Xy9q")).as("never the password itself").isZero();
            assertThat(log.eventsContaining("right-Pa55")).isZero();
        }
    }

    private static MqttConnectReturnCode login(TestBroker b, String sourceIp, String password) {
        try (RawMqttClient c = RawMqttClient.open(b)) {
            c.sendRaw(v1(sourceIp, 40100));
            return c.connect(RawMqttClient.connectBuilder("c-" + sourceIp, MqttVersion.MQTT_3_1_1, true, 30, null)
                    .hasUser(true).username("dev-1").hasPassword(true)
                    .password(password.getBytes(StandardCharsets.UTF_8)).build())
                    .variableHeader().connectReturnCode();
        }
    }

    @Test
    void haproxyWithSendProxyV2PassesTheRealClientAddress() throws Exception {
        String haproxy = onPath("haproxy");
        if (haproxy == null) {
            fail("haproxy not found on PATH (Debian: apt-get install -y haproxy; .ci/run installs it) - this "
                    + "interop test is not skipped when it is missing.");
        }
        try (TestBroker b = proxied(a -> a)) {
            int front = freePort();
            Path cfg = dir.resolve("haproxy.cfg");
            Files.writeString(cfg, String.join("\n",
                    "global",
                    "  maxconn 100",
                    "defaults",
                    "  mode tcp",
                    "  timeout connect 5s",
                    "  timeout client 30s",
                    "  timeout server 30s",
                    "frontend mqtt",
                    "  bind 127.0.0.1:" + front,
                    "  default_backend fleetmq",
                    "backend fleetmq",
                    "  server node1 127.0.0.1:" + b.port() + " send-proxy-v2",
                    ""));
            Process p = new ProcessBuilder(haproxy, "-db", "-f", cfg.toString()).redirectErrorStream(true).start();
            try {
                // The device connects from 127.0.0.9; HAProxy connects to the broker from 127.0.0.1.
                try (Socket device = rawConnectVia("127.0.0.9", front, "through-haproxy")) {
                    assertThat(addressOf(b, "through-haproxy")).isEqualTo("127.0.0.9:" + device.getLocalPort());
                }
            } finally {
                p.destroy();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * A v3.1.1 CONNECT from a socket bound to {@code localIp}, retried while HAProxy is still starting; returns the
     * socket once CONNACK 0 (accepted) has arrived.
     */
    private static Socket rawConnectVia(String localIp, int port, String clientId) throws Exception {
        byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream connect = new ByteArrayOutputStream();
        connect.write(0x10); // CONNECT
        connect.write(10 + 2 + id.length); // remaining length
        connect.write(new byte[] {0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 30}); // MQTT 3.1.1, clean session, 30 s
        connect.write(new byte[] {0, (byte) id.length});
        connect.write(id);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Socket s = new Socket();
            try {
                s.bind(new InetSocketAddress(localIp, 0));
                s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
                s.setSoTimeout(5_000);
                OutputStream out = s.getOutputStream();
                out.write(connect.toByteArray());
                out.flush();
                InputStream in = s.getInputStream();
                byte[] ack = in.readNBytes(4);
                if (ack.length == 4) {
                    assertThat(ack).containsExactly(0x20, 0x02, 0x00, 0x00);
                    return s;
                }
                s.close();
            } catch (java.io.IOException e) {
                s.close(); // HAProxy not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no CONNACK through HAProxy on port " + port);
            }
            Thread.sleep(100);
        }
    }

    /** The address the broker holds for a connected client: the one its log lines and the audit log name. */
    private static String addressOf(TestBroker b, String clientId) {
        var session = b.broker().sessions().store().get(clientId);
        assertThat(session).as("session of " + clientId).isNotNull();
        return session.connection().remoteAddress();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(d, tool);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        for (String d : new String[] {"/usr/sbin", "/sbin"}) {
            Path p = Path.of(d, tool);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }
}
