package io.fleetmq.broker.it.security;

import io.fleetmq.broker.config.AuthConfig;
import io.fleetmq.broker.config.LimitsConfig;
import io.fleetmq.broker.config.MqttConfig;
import io.fleetmq.broker.testing.RawMqttClient;
import io.fleetmq.broker.testing.TestBroker;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code limits.*} bound pushed past with real clients: the v5 reason code (0x89 Server busy, 0x97 Quota
 * exceeded), the v3.1.1 answer, and the metric; and a flood of bad logins and oversized packets from one source
 * while other clients keep being served.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LimitsTest {
    private static final int QUOTA_EXCEEDED = 0x97;

    @TempDir
    Path dir;

    private static TestBroker start(LimitsConfig limits) {
        return TestBroker.start(c -> c.withLimits(limits));
    }

    private static LimitsConfig limits(UnaryOperator<int[]> set) {
        // maxConnections, connectionRate, publishRate, maxSubscriptionsPerClient, maxTopicLength, maxTopicLevels
        int[] v = set.apply(new int[] {0, 0, 0, 0, 65_535, 0});
        return new LimitsConfig(v[0], v[1], v[2], v[3], v[4], v[5]);
    }

    @Test
    void connectionsPastTheNodeBoundGetServerBusyUntilOneLeaves() {
        try (TestBroker b = start(limits(v -> { v[0] = 2; return v; }));
             RawMqttClient c1 = AuthClients.connected(b, MqttVersion.MQTT_5, "c1", null, null)) {
            RawMqttClient c2 = AuthClients.connected(b, MqttVersion.MQTT_5, "c2", null, null);

            assertThat(AuthClients.connack(b, MqttVersion.MQTT_5, "c3", null, null))
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_BUSY);
            assertThat(AuthClients.connack(b, MqttVersion.MQTT_3_1_1, "c3", null, null))
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE);
            assertThat(b.broker().stats().connectionsRefusedBusy.sum()).isEqualTo(2);

            c2.close();
            assertThat(c2.awaitClosed(RawMqttClient.DEFAULT_TIMEOUT)).isTrue();
            awaitAccepted(b, "c4");
        }
    }

    @Test
    void theListenerBoundAppliesToItsOwnConnections() {
        try (TestBroker b = TestBroker.start(c -> c.withListeners(c.listeners()
                .withTcp(c.listeners().tcp().withMaxConnections(1))));
             RawMqttClient c1 = AuthClients.connected(b, MqttVersion.MQTT_5, "only", null, null)) {
            assertThat(AuthClients.connack(b, MqttVersion.MQTT_5, "second", null, null))
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_BUSY);
        }
    }

    @Test
    void connectionsFasterThanTheRateGetServerBusy() {
        try (TestBroker b = start(limits(v -> { v[1] = 3; return v; }))) {
            List<MqttConnectReturnCode> codes = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < 12; i++) {
                codes.add(AuthClients.connack(b, MqttVersion.MQTT_5, "rate-" + i, null, null));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long accepted = codes.stream().filter(c -> c == MqttConnectReturnCode.CONNECTION_ACCEPTED).count();
            // A burst of 3, then 3 per second for as long as the loop took (a slow machine just sees more refills).
            assertThat(accepted).isLessThanOrEqualTo(3 + (long) Math.ceil(3 * seconds));
            assertThat(codes).containsOnly(MqttConnectReturnCode.CONNECTION_ACCEPTED,
                    MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_BUSY);
            assertThat(codes).contains(MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_BUSY);
        }
    }

    @Test
    void publishesPastTheClientRateAreAckedWithQuotaExceeded() {
        try (TestBroker b = start(limits(v -> { v[2] = 5; return v; }));
             RawMqttClient c = AuthClients.connected(b, MqttVersion.MQTT_5, "chatty", null, null)) {
            // 20 PUBLISHes in one burst, acks collected afterwards: at most 5 (plus refills) pass.
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ids.add(c.publish("chatty/x", "m" + i, MqttQoS.AT_LEAST_ONCE, false));
            }
            int exceeded = 0;
            for (int id : ids) {
                MqttPubReplyMessageVariableHeader ack = (MqttPubReplyMessageVariableHeader) c
                        .awaitPacket(MqttMessageType.PUBACK, id, RawMqttClient.DEFAULT_TIMEOUT).variableHeader();
                if ((ack.reasonCode() & 0xFF) == QUOTA_EXCEEDED) {
                    exceeded++;
                }
            }
            assertThat(exceeded).isGreaterThanOrEqualTo(10);
            assertThat(b.broker().stats().quotaExceeded.sum()).isEqualTo(exceeded);
            assertThat(c.isOpen()).as("a fast client is slowed, not disconnected").isTrue();
        }
    }

    @Test
    void subscriptionsPastTheBoundGetQuotaExceededAndReplacingOneDoesNot() {
        try (TestBroker b = start(limits(v -> { v[3] = 2; return v; }));
             RawMqttClient v5 = AuthClients.connected(b, MqttVersion.MQTT_5, "subs-5", null, null);
             RawMqttClient v3 = AuthClients.connected(b, MqttVersion.MQTT_3_1_1, "subs-3", null, null)) {
            assertThat(AuthClients.subscribe(v5, "a/1")).isEqualTo(1);
            assertThat(AuthClients.subscribe(v5, "a/2")).isEqualTo(1);
            assertThat(AuthClients.subscribe(v5, "a/3")).isEqualTo(QUOTA_EXCEEDED);
            assertThat(AuthClients.subscribe(v5, "a/1")).as("same filter again replaces").isEqualTo(1);

            AuthClients.subscribe(v3, "b/1");
            AuthClients.subscribe(v3, "b/2");
            assertThat(AuthClients.subscribe(v3, "b/3")).isEqualTo(0x80);
        }
    }

    @Test
    void topicsPastTheLengthOrLevelBoundsAreRefused() {
        try (TestBroker b = start(limits(v -> { v[4] = 32; v[5] = 3; return v; }));
             RawMqttClient c = AuthClients.connected(b, MqttVersion.MQTT_5, "topics", null, null)) {
            assertThat(AuthClients.subscribe(c, "a/b/c")).isEqualTo(1);
            assertThat(AuthClients.subscribe(c, "a/b/c/d")).isEqualTo(QUOTA_EXCEEDED);
            assertThat(AuthClients.subscribe(c, "x".repeat(33))).isEqualTo(QUOTA_EXCEEDED);
            assertThat(AuthClients.publishQos1(c, "a/b/c/d")).isEqualTo(QUOTA_EXCEEDED);
            assertThat(AuthClients.publishQos1(c, "y".repeat(33))).isEqualTo(QUOTA_EXCEEDED);
            assertThat(AuthClients.publishQos1(c, "a/b/c")).isEqualTo(0x00);
        }
    }

    @Test
    void aFloodOfBadLoginsAndOversizedPacketsLeavesOtherClientsServed() throws Exception {
        Path passwd = Passwords.write(dir.resolve("passwd"), "good", "pw-good", "victim", "pw-victim");
        try (TestBroker b = TestBroker.start(c -> c
                .withMqtt(maxPacketSize(c.mqtt(), 1024))
                .withAuth(new AuthConfig(false).withPasswordFile(passwd.toString()).withFailedLoginsPerMinute(5)))) {
            MqttClient pub = TlsClients.connect("tcp://127.0.0.1:" + b.port(), "good-pub", null, "good", "pw-good");
            MqttClient sub = TlsClients.connect("tcp://127.0.0.1:" + b.port(), "good-sub", null, "good", "pw-good");
            BlockingQueue<String> got = new LinkedBlockingQueue<>();
            sub.subscribe("good/#", 1, (t, m) -> got.add(new String(m.getPayload(), StandardCharsets.UTF_8)));

            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger attacks = new AtomicInteger();
            Thread attacker = new Thread(() -> {
                byte[] big = new byte[4096];
                while (!stop.get()) {
                    try (RawMqttClient bad = RawMqttClient.open(b)) {
                        bad.protocolVersion(MqttVersion.MQTT_3_1_1);
                        bad.send(AuthClients.connect(MqttVersion.MQTT_3_1_1, "attacker", "victim", "guess"));
                        bad.awaitClosed(RawMqttClient.DEFAULT_TIMEOUT);
                    }
                    try (RawMqttClient big1 = AuthClients.connected(b, MqttVersion.MQTT_5, "big", "good",
                            "pw-good")) {
                        big1.publish("good/big", big, MqttQoS.AT_MOST_ONCE, false); // over mqtt.maxPacketSize
                        big1.awaitClosed(RawMqttClient.DEFAULT_TIMEOUT);
                    } catch (AssertionError e) {
                        // refused as rate limited (same address as the bad logins): also part of the flood
                    }
                    attacks.incrementAndGet();
                }
            }, "attacker");
            attacker.start();
            try {
                // At least 50 messages, and on until the attacker has completed several rounds meanwhile: how
                // many rounds fit into 50 messages depends on the machine's load, the overlap must not.
                for (int i = 0; i < 50 || (attacks.get() <= 3 && i < 5_000); i++) {
                    pub.publish("good/n", ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false);
                    assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo("m" + i);
                }
            } finally {
                stop.set(true);
                attacker.join(10_000);
                TlsClients.closeQuietly(pub);
                TlsClients.closeQuietly(sub);
            }
            assertThat(attacks.get()).as("the attack ran during the exchange").isGreaterThan(3);
            assertThat(b.broker().stats().authFailures.sum()).isGreaterThan(3);
        }
    }

    private static void awaitAccepted(TestBroker b, String clientId) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        MqttConnectReturnCode code;
        do {
            code = AuthClients.connack(b, MqttVersion.MQTT_5, clientId, null, null);
        } while (code != MqttConnectReturnCode.CONNECTION_ACCEPTED && System.nanoTime() < deadline);
        assertThat(code).isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
    }

    private static MqttConfig maxPacketSize(MqttConfig m, int v) {
        return new MqttConfig(v, m.receiveMaximum(), m.topicAliasMaximum(), m.maxKeepAlive(), m.maxQos(),
                m.retainAvailable(), m.wildcardSubscriptionAvailable(), m.sharedSubscriptionAvailable(),
                m.subscriptionIdentifiersAvailable(), m.maxClientIdLength(), m.connectTimeout());
    }
}
