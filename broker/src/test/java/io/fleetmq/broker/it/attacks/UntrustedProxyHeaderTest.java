package io.fleetmq.broker.it.attacks;

import io.fleetmq.broker.config.AuthConfig;
import io.fleetmq.broker.config.ConfigException;
import io.fleetmq.broker.config.ConfigLoader;
import io.fleetmq.broker.config.TcpListenerConfig;
import io.fleetmq.broker.it.security.Passwords;
import io.fleetmq.broker.it.v3.LogCapture;
import io.fleetmq.broker.testing.ProxyHeaders;
import io.fleetmq.broker.testing.RawMqttClient;
import io.fleetmq.broker.testing.TestBroker;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The attack: a peer that can reach a PROXY protocol listener directly (not through the load balancer) writes its own
 * PROXY header, claims any source address it likes and so rotates past the failed-login limiter and {@code addr} ACL
 * rules. With {@code listeners.tcp.proxyProtocolTrustedNetworks} only the load balancer's addresses are believed;
 * here the "load balancer" connects from 127.0.0.2 and the attacker from 127.0.0.1 and 127.0.0.3.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UntrustedProxyHeaderTest {
    private static final String LOAD_BALANCER = "127.0.0.2";
    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private static TestBroker trustingOnly(String cidrs, UnaryOperator<AuthConfig> auth) {
        return TestBroker.start(c -> c
                .withListeners(c.listeners().withTcp(c.listeners().tcp().withProxyProtocol(true)
                        .withProxyProtocolTrustedNetworks(List.of(cidrs.split(",")))))
                .withAuth(auth.apply(c.auth())));
    }

    private static MqttConnectMessage login(String clientId, String user, String password) {
        return RawMqttClient.connectBuilder(clientId, MqttVersion.MQTT_3_1_1, true, 30, null)
                .hasUser(true).username(user).hasPassword(true)
                .password(password.getBytes(StandardCharsets.UTF_8)).build();
    }

    @Test
    void headerFromAnUntrustedPeerIsClosedUnreadAndCounted() throws Exception {
        try (TestBroker b = trustingOnly(LOAD_BALANCER + "/32", a -> a); LogCapture log = LogCapture.all()) {
            SourceBoundClient.Answer a = SourceBoundClient.exchange("127.0.0.1", b.port(),
                    ProxyHeaders.v1("203.0.113.77", 40000), login("spoofer", "u", "p"), WAIT);

            assertThat(a.closed()).as("closed by the broker").isTrue();
            assertThat(a.bytes()).as("not a byte answered, no CONNACK").isEmpty();
            assertThat(b.broker().stats().proxyProtocolUntrustedSource.sum()).isEqualTo(1);
            assertThat(b.broker().stats().clientsConnected.sum()).isZero();
            assertThat(b.broker().stats().authFailures.sum()).as("never reached authentication").isZero();
            assertThat(log.warningsContaining("addr=127.0.0.1:")).isEqualTo(1);
            assertThat(log.warningsContaining("not in listeners.tcp.proxyProtocolTrustedNetworks")).isEqualTo(1);
            assertThat(log.eventsContaining("203.0.113.77")).as("the claimed address is never believed").isZero();
        }
    }

    @Test
    void headerFromTheTrustedLoadBalancerIsBelieved() throws Exception {
        try (TestBroker b = trustingOnly(LOAD_BALANCER + "/32", a -> a)) {
            SourceBoundClient.Answer a = SourceBoundClient.exchange(LOAD_BALANCER, b.port(),
                    ProxyHeaders.v2("198.51.100.20", 50100),
                    RawMqttClient.connectBuilder("via-lb", MqttVersion.MQTT_3_1_1, true, 30, null).build(), WAIT);

            assertThat(a.connackReturnCode()).isZero();
            assertThat(b.broker().stats().proxyProtocolUntrustedSource.sum()).isZero();
        }
    }

    @Test
    void rotatingTheClaimedAddressFromAnUntrustedPeerNeverReachesThePasswordCheck() throws Exception {
        Path pw = Passwords.write(dir.resolve("passwd"), "dev-1", "right-Pa55");
        try (TestBroker b = trustingOnly(LOAD_BALANCER + "/32", a -> new AuthConfig(false)
                .withPasswordFile(pw.toString()).withFailedLoginsPerMinute(3))) {
            // Twenty guesses, each claiming a fresh address: with a believed header each would get a fresh budget.
            for (int i = 1; i <= 20; i++) {
                SourceBoundClient.Answer a = SourceBoundClient.exchange("127.0.0.3", b.port(),
                        ProxyHeaders.v1("203.0.113." + i, 40000 + i), login("guess-" + i, "dev-1", "guess-" + i),
                        WAIT);
                assertThat(a.connackReturnCode()).as("guess %d answered", i).isEqualTo(-1);
            }
            assertThat(b.broker().stats().authFailures.sum()).as("no password was checked").isZero();
            assertThat(b.broker().stats().proxyProtocolUntrustedSource.sum()).isEqualTo(20);

            // Through the trusted load balancer, one real address gets its three failures and is then blocked.
            for (int i = 0; i < 3; i++) {
                assertThat(SourceBoundClient.exchange(LOAD_BALANCER, b.port(), ProxyHeaders.v1("203.0.113.50", 40100),
                        login("c-50", "dev-1", "guess"), WAIT).connackReturnCode())
                        .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD.byteValue());
            }
            assertThat(SourceBoundClient.exchange(LOAD_BALANCER, b.port(), ProxyHeaders.v1("203.0.113.50", 40101),
                    login("c-50", "dev-1", "right-Pa55"), WAIT).connackReturnCode())
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED.byteValue());
        }
    }

    @Test
    void aScanOfUntrustedConnectionsLogsOneWarningNotOnePerConnection() throws Exception {
        try (TestBroker b = trustingOnly(LOAD_BALANCER + "/32", a -> a); LogCapture log = LogCapture.all()) {
            for (int i = 0; i < 25; i++) {
                assertThat(SourceBoundClient.exchange("127.0.0.1", b.port(), ProxyHeaders.v2("192.0.2.1", 1000 + i),
                        login("scan-" + i, "u", "p"), WAIT).closed()).isTrue();
            }
            assertThat(b.broker().stats().proxyProtocolUntrustedSource.sum()).isEqualTo(25);
            assertThat(log.warningsContaining("proxyProtocolTrustedNetworks")).isEqualTo(1);
        }
    }

    @Test
    void theWebSocketListenerRefusesAnUntrustedPeerBeforeTheHttpUpgrade() throws Exception {
        try (TestBroker b = TestBroker.start(c -> c.withListeners(c.listeners().withWs(
                new TcpListenerConfig(true, "127.0.0.1", 0).withProxyProtocol(true)
                        .withProxyProtocolTrustedNetworks(List.of(LOAD_BALANCER + "/32")))))) {
            int ws = b.broker().listenerAddress("ws").getPort();
            byte[] upgrade = ("GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Protocol: mqtt\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

            SourceBoundClient.Answer stranger = SourceBoundClient.exchange("127.0.0.1", ws,
                    concat(ProxyHeaders.v1("203.0.113.9", 1234), upgrade), WAIT);
            SourceBoundClient.Answer balancer = SourceBoundClient.exchange(LOAD_BALANCER, ws,
                    concat(ProxyHeaders.v1("203.0.113.9", 1234), upgrade), WAIT);

            assertThat(stranger.closed()).isTrue();
            assertThat(stranger.bytes()).as("no HTTP answer at all").isEmpty();
            assertThat(new String(balancer.bytes(), StandardCharsets.US_ASCII)).isEqualTo("HTTP");
            assertThat(b.broker().stats().proxyProtocolUntrustedSource.sum()).isEqualTo(1);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void theDefaultTrustsOnlyLoopbackSoALocalProxyKeepsWorking() throws Exception {
        try (TestBroker b = TestBroker.start(c -> c.withListeners(
                c.listeners().withTcp(c.listeners().tcp().withProxyProtocol(true))))) {
            assertThat(b.broker().config().listeners().tcp().proxyProtocolTrustedNetworks())
                    .containsExactly("127.0.0.0/8", "::1/128");
            assertThat(SourceBoundClient.exchange("127.0.0.5", b.port(), ProxyHeaders.v1("203.0.113.5", 1),
                    RawMqttClient.connectBuilder("local", MqttVersion.MQTT_3_1_1, true, 30, null).build(), WAIT)
                    .connackReturnCode()).isZero();
        }
    }

    @Test
    void anInvalidNetworkIsOneConfigErrorNamingTheKey() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(null,
                List.of("listeners.wss.proxyProtocolTrustedNetworks=10.0.0.0/8,10.1.0.0/33"), Map.of()));

        assertThat(e.getMessage()).doesNotContain("\n").startsWith(
                "config error: listeners.wss.proxyProtocolTrustedNetworks: must be comma-separated CIDR blocks")
                .contains("'10.1.0.0/33': prefix length must be 0-32");
        ConfigException host = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(null,
                List.of("listeners.tcp.proxyProtocolTrustedNetworks=nlb.internal"), Map.of()));
        assertThat(host.getMessage()).contains("listeners.tcp.proxyProtocolTrustedNetworks")
                .contains("'nlb.internal' is not an IP address or CIDR block");
    }
}
