package io.fleetmq.broker.it.v3;

import io.fleetmq.broker.config.SessionsConfig;
import io.fleetmq.broker.config.SysConfig;
import io.fleetmq.broker.testing.BrokerExtension;
import io.fleetmq.broker.testing.RawMqttClient;
import io.fleetmq.broker.testing.TestBroker;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static io.fleetmq.broker.it.v3.PahoV3Client.V311;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session behaviour for MQTT 3.1 / 3.1.1 clients: wills, clean session, persistent sessions and their offline queue
 * (including its bound), session takeover. Keep alive: {@link PahoV3KeepAliveTest}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PahoV3SessionTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration QUIET = Duration.ofMillis(400);

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.withDefaults();

    private static MqttVersion nettyVersion(int pahoVersion) {
        return pahoVersion == MqttConnectOptions.MQTT_VERSION_3_1 ? MqttVersion.MQTT_3_1 : MqttVersion.MQTT_3_1_1;
    }

    // ------------------------------------------------------------------ wills

    @ParameterizedTest(name = "mqtt version {0}")
    @MethodSource(PahoV3Client.VERSIONS)
    void willIsPublishedWhenTheConnectionDropsWithoutDisconnect(int version) throws Exception {
        String willTopic = broker.uniqueTopic("ss/will");
        try (PahoV3Client watcher = PahoV3Client.connect(broker, broker.uniqueId("w"), version, true)) {
            watcher.subscribe(willTopic, 1);
            MqttConnectOptions o = PahoV3Client.options(version, true);
            o.setWill(willTopic, "gone".getBytes(StandardCharsets.UTF_8), 1, false);
            PahoV3Client device = PahoV3Client.connect(broker, broker.uniqueId("d"), o);
            device.dropWithoutDisconnect();
            device.close();

            PahoV3Client.Received r = watcher.next(WAIT);
            assertThat(r.topic()).isEqualTo(willTopic);
            assertThat(r.payload()).isEqualTo("gone");
            assertThat(r.qos()).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "mqtt version {0}")
    @MethodSource(PahoV3Client.VERSIONS)
    void willIsPublishedWhenTheSocketIsReset(int version) throws Exception {
        String willTopic = broker.uniqueTopic("ss/willrst");
        try (PahoV3Client watcher = PahoV3Client.connect(broker, broker.uniqueId("w"), version, true);
             RawMqttClient device = RawMqttClient.open(broker)) {
            watcher.subscribe(willTopic, 1);
            MqttConnAckMessage ack = device.connect(RawMqttClient.connectWithWill(broker.uniqueId("d"),
                    nettyVersion(version), true, 60, willTopic, "crashed".getBytes(StandardCharsets.UTF_8),
                    MqttQoS.AT_LEAST_ONCE, false, null));
            assertThat(ack.variableHeader().connectReturnCode()).isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
            device.resetConnection();

            assertThat(watcher.next(WAIT).payload()).isEqualTo("crashed");
        }
    }

    @ParameterizedTest(name = "mqtt version {0}")
    @MethodSource(PahoV3Client.VERSIONS)
    void willIsNotPublishedOnNormalDisconnect(int version) throws Exception {
        String willTopic = broker.uniqueTopic("ss/nowill");
        try (PahoV3Client watcher = PahoV3Client.connect(broker, broker.uniqueId("w"), version, true)) {
            watcher.subscribe(willTopic, 1);
            MqttConnectOptions o = PahoV3Client.options(version, true);
            o.setWill(willTopic, "should-not-appear".getBytes(StandardCharsets.UTF_8), 1, false);
            PahoV3Client device = PahoV3Client.connect(broker, broker.uniqueId("d"), o);
            device.disconnect();
            device.close();

            assertThat(watcher.drain(Duration.ofMillis(800))).as("[MQTT-3.1.2-10] will discarded on DISCONNECT").isEmpty();
        }
    }

    // ------------------------------------------------------------------ clean session / persistent sessions

    @ParameterizedTest(name = "mqtt version {0}")
    @MethodSource(PahoV3Client.VERSIONS)
    void persistentSessionReceivesQos1And2MessagesQueuedWhileOffline(int version) throws Exception {
        String t = broker.uniqueTopic("ss/offline");
        String subId = broker.uniqueId("s");
        try (PahoV3Client sub = PahoV3Client.connect(broker, subId, version, false)) {
            sub.subscribe(t, 2);
            sub.disconnect();
        }
        try (PahoV3Client pub = PahoV3Client.connect(broker, broker.uniqueId("p"), version, true)) {
            pub.publish(t, "q1-a", 1, false);
            pub.publish(t, "q0-not-queued", 0, false);
            pub.publish(t, "q2-b", 2, false);
            pub.publish(t, "q1-c", 1, false);
        }
        try (PahoV3Client sub = PahoV3Client.connect(broker, subId, version, false)) {
            if (version == MqttConnectOptions.MQTT_VERSION_3_1_1) {
                assertThat(sub.sessionPresent).as("CONNACK session present").isTrue();
            }
            List<String> got = sub.drain(Duration.ofMillis(800)).stream().map(PahoV3Client.Received::payload).toList();
            assertThat(got).as("queued QoS 1/2 delivered; QoS 0 is not queued for offline sessions")
                    .containsExactlyInAnyOrder("q1-a", "q2-b", "q1-c");
            // [MQTT-4.6.0-6] order is guaranteed per topic and QoS level
            assertThat(got.stream().filter(s -> s.startsWith("q1")).toList()).containsExactly("q1-a", "q1-c");
        }
        try (PahoV3Client cleanup = PahoV3Client.connect(broker, subId, version, true)) {
            cleanup.disconnect();
        }
    }

    @ParameterizedTest(name = "mqtt version {0}")
    @MethodSource(PahoV3Client.VERSIONS)
    void cleanSessionDiscardsThePreviousSession(int version) throws Exception {
        String t = broker.uniqueTopic("ss/clean");
        String subId = broker.uniqueId("s");
        try (PahoV3Client sub = PahoV3Client.connect(broker, subId, version, false)) {
            sub.subscribe(t, 1);
            sub.disconnect();
        }
        try (PahoV3Client sub = PahoV3Client.connect(broker, subId, version, true);
             PahoV3Client pub = PahoV3Client.connect(broker, broker.uniqueId("p"), version, true)) {
            assertThat(sub.sessionPresent).isFalse();
            pub.publish(t, "to-old-session", 1, false);
            assertThat(sub.drain(Duration.ofMillis(600))).as("subscriptions of the discarded session").isEmpty();
        }
    }

    @Test
    void sessionPresentIsFalseForANewPersistentSession() throws Exception {
        try (RawMqttClient c = RawMqttClient.open(broker)) {
            String cid = broker.uniqueId("n");
            MqttConnAckMessage ack = c.connect(cid, MqttVersion.MQTT_3_1_1, false, 60, null);
            assertThat(ack.variableHeader().connectReturnCode()).isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
            assertThat(ack.variableHeader().isSessionPresent()).isFalse();
            c.disconnect();
            try (RawMqttClient again = RawMqttClient.open(broker)) {
                assertThat(again.connect(cid, MqttVersion.MQTT_3_1_1, false, 60, null)
                        .variableHeader().isSessionPresent()).isTrue();
                again.disconnect();
            }
            try (RawMqttClient clean = RawMqttClient.open(broker)) {
                assertThat(clean.connect(cid, MqttVersion.MQTT_3_1_1, true, 60, null)
                        .variableHeader().isSessionPresent()).as("[MQTT-3.2.2-1] clean session -> 0").isFalse();
                clean.disconnect();
            }
        }
    }

    @Test
    void offlineQueueBoundDropsTheOverflowAndDeliversOnlyTheFirstN() throws Exception {
        int bound = 5;
        try (TestBroker small = TestBroker.start(c -> c
                .withSessions(new SessionsConfig(3600, 32, bound, false))
                .withSys(new SysConfig(true, Duration.ofMillis(200))))) {
            String t = broker.uniqueTopic("ss/bound");
            String subId = broker.uniqueId("s");
            try (PahoV3Client sub = PahoV3Client.connect(small, subId, V311, false)) {
                sub.subscribe(t, 1);
                sub.disconnect();
            }
            try (PahoV3Client pub = PahoV3Client.connect(small, broker.uniqueId("p"), V311, true)) {
                for (int i = 0; i < 12; i++) {
                    pub.publish(t, "m" + i, 1, false);
                }
            }
            try (PahoV3Client sub = PahoV3Client.connect(small, subId, V311, false)) {
                List<String> got = sub.drain(Duration.ofMillis(800)).stream().map(PahoV3Client.Received::payload).toList();
                assertThat(got).as("newest dropped when full: only the first %d are kept", bound)
                        .containsExactlyElementsOf(IntStream.range(0, bound).mapToObj(i -> "m" + i).toList());
            }
            try (PahoV3Client sys = PahoV3Client.connect(small, broker.uniqueId("y"), V311, true)) {
                sys.subscribe("$SYS/broker/messages/dropped", 0);
                long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                long dropped = -1;
                while (dropped < 7 && System.nanoTime() < deadline) {
                    PahoV3Client.Received r = sys.poll(Duration.ofMillis(300));
                    if (r != null) {
                        dropped = Long.parseLong(r.payload().trim());
                    }
                }
                assertThat(dropped).as("$SYS/broker/messages/dropped counts the 7 overflowed messages")
                        .isGreaterThanOrEqualTo(7);
            }
        }
    }

    @Test
    void emptyClientIdWithCleanSessionIsAcceptedInMqtt311() {
        try (RawMqttClient c = RawMqttClient.open(broker)) {
            MqttConnAckMessage ack = c.connect("", MqttVersion.MQTT_3_1_1, true, 60, null);
            assertThat(ack.variableHeader().connectReturnCode())
                    .as("[MQTT-3.1.3-6] zero-byte client id with clean session: server assigns an id")
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
            String t = broker.uniqueTopic("ss/anon");
            c.subscribe(t, MqttQoS.AT_LEAST_ONCE);
            c.publishAndAwaitAck(t, "works", MqttQoS.AT_LEAST_ONCE, false);
            assertThat(RawMqttClient.payloadAsString(c.<io.netty.handler.codec.mqtt.MqttPublishMessage>awaitPacket(
                    MqttMessageType.PUBLISH, -1, WAIT))).isEqualTo("works");
            c.disconnect();
        }
    }

    @Test
    void emptyClientIdWithPersistentSessionIsRejectedWithIdentifierRejected() {
        try (RawMqttClient c = RawMqttClient.open(broker)) {
            MqttConnAckMessage ack = c.connect("", MqttVersion.MQTT_3_1_1, false, 60, null);
            assertThat(ack.variableHeader().connectReturnCode())
                    .as("[MQTT-3.1.3-8] CONNACK 0x02 then close")
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED);
            assertThat(c.awaitClosed(WAIT)).isTrue();
        }
    }

    @Test
    void offlineQueueOverflowIsLoggedOncePerClient() throws Exception {
        try (TestBroker small = TestBroker.start(c -> c.withSessions(new SessionsConfig(3600, 32, 2, false)));
             LogCapture log = LogCapture.all()) {
            String t = broker.uniqueTopic("ss/droplog");
            String a = broker.uniqueId("qa");
            String b = broker.uniqueId("qb");
            for (String cid : List.of(a, b)) {
                try (PahoV3Client sub = PahoV3Client.connect(small, cid, V311, false)) {
                    sub.subscribe(t, 1);
                    sub.disconnect();
                }
            }
            try (PahoV3Client pub = PahoV3Client.connect(small, broker.uniqueId("p"), V311, true)) {
                for (int i = 0; i < 10; i++) {
                    pub.publish(t, "m" + i, 1, false);
                }
            }
            Await.until(WAIT, "a WARN line about the dropped messages of each client",
                    () -> log.warningsContaining("client=" + a + " ") >= 1 && log.warningsContaining("client=" + b + " ") >= 1);
            Await.sleep(Duration.ofMillis(300));
            assertThat(log.warningsContaining("client=" + a + " ")).as("8 drops for %s, logged once", a).isEqualTo(1);
            assertThat(log.warningsContaining("client=" + b + " ")).as("8 drops for %s, logged once", b).isEqualTo(1);
        }
    }

    // ------------------------------------------------------------------ takeover

    @ParameterizedTest(name = "mqtt version {0}")
    @MethodSource(PahoV3Client.VERSIONS)
    void secondConnectionWithTheSameClientIdClosesTheFirst(int version) throws Exception {
        String cid = broker.uniqueId("dup");
        String t = broker.uniqueTopic("ss/takeover");
        try (RawMqttClient first = RawMqttClient.open(broker)) {
            assertThat(first.connect(cid, nettyVersion(version), true, 60, null).variableHeader().connectReturnCode())
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
            try (PahoV3Client second = PahoV3Client.connect(broker, cid, version, true)) {
                assertThat(first.awaitClosed(WAIT)).as("[MQTT-3.1.4-2] existing connection closed").isTrue();
                // the new connection is fully functional
                second.subscribe(t, 1);
                second.publish(t, "still-works", 1, false);
                assertThat(second.next(WAIT).payload()).isEqualTo("still-works");
                assertThat(second.client.isConnected()).isTrue();
            }
        }
    }
}
