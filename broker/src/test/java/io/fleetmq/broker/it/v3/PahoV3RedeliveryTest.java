package io.fleetmq.broker.it.v3;

import io.fleetmq.broker.testing.BrokerExtension;
import io.fleetmq.broker.testing.RawMqttClient;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.fleetmq.broker.it.v3.PahoV3Client.V311;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * QoS 1/2 delivery guarantees at packet level (RawMqttClient): ordered redelivery with DUP=1 on reconnect, PUBREL
 * re-sent for a QoS 2 message awaiting PUBCOMP, QoS 2 exactly-once towards subscribers when the publisher re-sends,
 * and the outbound inflight window.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PahoV3RedeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration QUIET = Duration.ofMillis(400);

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.withDefaults();

    private record Seen(int packetId, int qos, boolean dup, String payload) {
        static Seen of(MqttPublishMessage p) {
            return new Seen(p.variableHeader().packetId(), p.fixedHeader().qosLevel().value(), p.fixedHeader().isDup(),
                    RawMqttClient.payloadAsString(p));
        }
    }

    private static MqttPublishMessage expectPublish(RawMqttClient c) {
        return c.expect(MqttMessageType.PUBLISH, WAIT);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = MqttVersion.class, names = {"MQTT_3_1", "MQTT_3_1_1"})
    void unacknowledgedQos1AndQos2MessagesAreResentInOrderWithDupOnReconnect(MqttVersion version) {
        String t = broker.uniqueTopic("rd/dup");
        String subId = broker.uniqueId("s");
        List<Seen> first = new ArrayList<>();
        try (RawMqttClient sub = RawMqttClient.open(broker);
             RawMqttClient pub = RawMqttClient.open(broker)) {
            sub.connect(subId, version, false, 60, null);
            assertThat(sub.subscribe(t, MqttQoS.EXACTLY_ONCE).payload().grantedQoSLevels()).containsExactly(2);
            pub.connect(broker.uniqueId("p"), version, true, 60, null);
            pub.publishAndAwaitAck(t, "a-qos1", MqttQoS.AT_LEAST_ONCE, false);
            pub.publishAndAwaitAck(t, "b-qos2", MqttQoS.EXACTLY_ONCE, false);
            pub.publishAndAwaitAck(t, "c-qos1", MqttQoS.AT_LEAST_ONCE, false);

            for (int i = 0; i < 3; i++) {
                first.add(Seen.of(expectPublish(sub)));
            }
            assertThat(first).extracting(Seen::payload).containsExactly("a-qos1", "b-qos2", "c-qos1");
            assertThat(first).extracting(Seen::qos).containsExactly(1, 2, 1);
            assertThat(first).extracting(Seen::dup).as("first delivery has DUP=0").containsOnly(false);
            sub.dropConnection(); // no acks at all
        }
        try (RawMqttClient sub = RawMqttClient.open(broker)) {
            MqttConnAckMessage ack = sub.connect(subId, version, false, 60, null);
            if (version == MqttVersion.MQTT_3_1_1) {
                assertThat(ack.variableHeader().isSessionPresent()).isTrue();
            }
            List<Seen> again = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                again.add(Seen.of(expectPublish(sub)));
            }
            assertThat(again).extracting(Seen::payload).as("[MQTT-4.6.0-1] original order")
                    .containsExactly("a-qos1", "b-qos2", "c-qos1");
            assertThat(again).extracting(Seen::packetId).as("[MQTT-4.4.0-1] same packet identifiers")
                    .containsExactlyElementsOf(first.stream().map(Seen::packetId).toList());
            assertThat(again).extracting(Seen::qos).containsExactly(1, 2, 1);
            assertThat(again).extracting(Seen::dup).as("[MQTT-3.3.1-1] DUP=1 on redelivery").containsOnly(true);

            sub.puback(again.get(0).packetId());
            sub.pubrec(again.get(1).packetId());
            sub.awaitPacket(MqttMessageType.PUBREL, again.get(1).packetId(), WAIT);
            sub.pubcomp(again.get(1).packetId());
            sub.puback(again.get(2).packetId());
            assertThat(sub.drain(QUIET)).as("nothing more once everything is acknowledged").isEmpty();
            sub.disconnect();
        }
        try (RawMqttClient sub = RawMqttClient.open(broker)) {
            sub.connect(subId, version, false, 60, null);
            assertThat(sub.drain(QUIET)).as("acknowledged messages are not sent again").isEmpty();
            sub.disconnect();
        }
        try (RawMqttClient cleanup = RawMqttClient.open(broker)) {
            cleanup.connect(subId, version, true, 60, null);
            cleanup.disconnect();
        }
    }

    @Test
    void pubrelIsResentOnReconnectForQos2MessageReceivedButNotCompleted() {
        String t = broker.uniqueTopic("rd/pubrel");
        String subId = broker.uniqueId("s");
        int packetId;
        try (RawMqttClient sub = RawMqttClient.open(broker);
             RawMqttClient pub = RawMqttClient.open(broker)) {
            sub.connect(subId, MqttVersion.MQTT_3_1_1, false, 60, null);
            sub.subscribe(t, MqttQoS.EXACTLY_ONCE);
            pub.connect(broker.uniqueId("p"), MqttVersion.MQTT_3_1_1, true, 60, null);
            pub.publishAndAwaitAck(t, "q2", MqttQoS.EXACTLY_ONCE, false);

            MqttPublishMessage p = expectPublish(sub);
            packetId = p.variableHeader().packetId();
            sub.pubrec(packetId);
            sub.awaitPacket(MqttMessageType.PUBREL, packetId, WAIT);
            sub.dropConnection(); // never PUBCOMP
        }
        try (RawMqttClient sub = RawMqttClient.open(broker)) {
            sub.connect(subId, MqttVersion.MQTT_3_1_1, false, 60, null);
            MqttMessage m = sub.receive(WAIT);
            assertThat(m).as("PUBREL re-sent on reconnect").isNotNull();
            assertThat(m.fixedHeader().messageType()).as("[MQTT-4.4.0-1] PUBREL, not the PUBLISH, is re-sent: %s",
                    RawMqttClient.describe(m)).isEqualTo(MqttMessageType.PUBREL);
            assertThat(((MqttMessageIdVariableHeader) m.variableHeader()).messageId()).isEqualTo(packetId);
            sub.pubcomp(packetId);
            assertThat(sub.drain(QUIET)).as("no PUBLISH after the handshake completed").isEmpty();
            sub.disconnect();
        }
        try (RawMqttClient cleanup = RawMqttClient.open(broker)) {
            cleanup.connect(subId, MqttVersion.MQTT_3_1_1, true, 60, null);
            cleanup.disconnect();
        }
    }

    @Test
    void qos2PublishResentWithDupBeforePubrelIsDeliveredToSubscribersExactlyOnce() throws Exception {
        String t = broker.uniqueTopic("rd/exactly");
        try (PahoV3Client sub = PahoV3Client.connect(broker, broker.uniqueId("s"), V311, true);
             RawMqttClient pub = RawMqttClient.open(broker)) {
            sub.subscribe(t, 2);
            pub.connect(broker.uniqueId("p"), MqttVersion.MQTT_3_1_1, true, 60, null);
            byte[] payload = "only-once".getBytes(StandardCharsets.UTF_8);
            pub.publish(t, payload, MqttQoS.EXACTLY_ONCE, false, false, 7, null);
            pub.awaitPacket(MqttMessageType.PUBREC, 7, WAIT);
            pub.publish(t, payload, MqttQoS.EXACTLY_ONCE, false, true, 7, null);
            pub.awaitPacket(MqttMessageType.PUBREC, 7, WAIT);
            pub.pubrel(7);
            pub.awaitPacket(MqttMessageType.PUBCOMP, 7, WAIT);

            assertThat(sub.next(WAIT).payload()).isEqualTo("only-once");
            assertThat(sub.drain(Duration.ofMillis(600))).as("[MQTT-4.3.3] exactly one copy").isEmpty();
        }
    }

    @Test
    void qos2PublishResentAfterPublisherReconnectIsDeliveredExactlyOnce() throws Exception {
        String t = broker.uniqueTopic("rd/exactly2");
        String pubId = broker.uniqueId("p");
        byte[] payload = "once-across-reconnect".getBytes(StandardCharsets.UTF_8);
        try (PahoV3Client sub = PahoV3Client.connect(broker, broker.uniqueId("s"), V311, true)) {
            sub.subscribe(t, 2);
            try (RawMqttClient pub = RawMqttClient.open(broker)) {
                pub.connect(pubId, MqttVersion.MQTT_3_1_1, false, 60, null);
                pub.publish(t, payload, MqttQoS.EXACTLY_ONCE, false, false, 9, null);
                pub.awaitPacket(MqttMessageType.PUBREC, 9, WAIT);
                pub.dropConnection(); // lost before PUBREL
            }
            try (RawMqttClient pub = RawMqttClient.open(broker)) {
                pub.connect(pubId, MqttVersion.MQTT_3_1_1, false, 60, null);
                pub.publish(t, payload, MqttQoS.EXACTLY_ONCE, false, true, 9, null);
                pub.awaitPacket(MqttMessageType.PUBREC, 9, WAIT);
                pub.pubrel(9);
                pub.awaitPacket(MqttMessageType.PUBCOMP, 9, WAIT);
                pub.disconnect();
            }
            assertThat(sub.next(WAIT).payload()).isEqualTo("once-across-reconnect");
            assertThat(sub.drain(Duration.ofMillis(600))).as("exactly one copy").isEmpty();
        }
        try (RawMqttClient cleanup = RawMqttClient.open(broker)) {
            cleanup.connect(pubId, MqttVersion.MQTT_3_1_1, true, 60, null);
            cleanup.disconnect();
        }
    }

    @Test
    void takeoverWithPersistentSessionResendsUnacknowledgedMessagesOnTheNewConnection() {
        String t = broker.uniqueTopic("rd/takeover");
        String subId = broker.uniqueId("s");
        try (RawMqttClient old = RawMqttClient.open(broker);
             RawMqttClient pub = RawMqttClient.open(broker)) {
            old.connect(subId, MqttVersion.MQTT_3_1_1, false, 60, null);
            old.subscribe(t, MqttQoS.AT_LEAST_ONCE);
            pub.connect(broker.uniqueId("p"), MqttVersion.MQTT_3_1_1, true, 60, null);
            pub.publishAndAwaitAck(t, "unacked", MqttQoS.AT_LEAST_ONCE, false);
            int firstId = expectPublish(old).variableHeader().packetId();

            try (RawMqttClient fresh = RawMqttClient.open(broker)) {
                MqttConnAckMessage ack = fresh.connect(subId, MqttVersion.MQTT_3_1_1, false, 60, null);
                assertThat(ack.variableHeader().isSessionPresent()).isTrue();
                assertThat(old.awaitClosed(WAIT)).as("old connection closed on takeover").isTrue();
                MqttPublishMessage again = expectPublish(fresh);
                assertThat(again.variableHeader().packetId()).isEqualTo(firstId);
                assertThat(again.fixedHeader().isDup()).isTrue();
                assertThat(RawMqttClient.payloadAsString(again)).isEqualTo("unacked");
                fresh.puback(firstId);

                pub.publishAndAwaitAck(t, "after-takeover", MqttQoS.AT_LEAST_ONCE, false);
                MqttPublishMessage next = expectPublish(fresh);
                assertThat(RawMqttClient.payloadAsString(next)).isEqualTo("after-takeover");
                assertThat(next.fixedHeader().isDup()).isFalse();
                fresh.puback(next.variableHeader().packetId());
                fresh.disconnect();
            }
        }
        try (RawMqttClient cleanup = RawMqttClient.open(broker)) {
            cleanup.connect(subId, MqttVersion.MQTT_3_1_1, true, 60, null);
            cleanup.disconnect();
        }
    }

    @Test
    void outboundInflightWindowIsBoundedAndRefillsAsMessagesAreAcknowledged() {
        int window = 32; // sessions.maxInflightMessages default
        String t = broker.uniqueTopic("rd/inflight");
        try (RawMqttClient sub = RawMqttClient.open(broker);
             RawMqttClient pub = RawMqttClient.open(broker)) {
            sub.connect(broker.uniqueId("s"), MqttVersion.MQTT_3_1_1, true, 60, null);
            sub.subscribe(t, MqttQoS.AT_LEAST_ONCE);
            pub.connect(broker.uniqueId("p"), MqttVersion.MQTT_3_1_1, true, 60, null);
            for (int i = 0; i < window + 8; i++) {
                pub.publishAndAwaitAck(t, "m" + i, MqttQoS.AT_LEAST_ONCE, false);
            }
            List<MqttMessage> burst = sub.drain(QUIET);
            assertThat(burst).as("no more than %d unacknowledged QoS 1 messages in flight", window).hasSize(window);
            List<String> payloads = new ArrayList<>();
            for (MqttMessage m : burst) {
                payloads.add(RawMqttClient.payloadAsString((MqttPublishMessage) m));
            }
            // acknowledging frees the window: the remaining 8 follow, in order
            for (MqttMessage m : burst) {
                sub.puback(((MqttPublishMessage) m).variableHeader().packetId());
            }
            for (int i = 0; i < 8; i++) {
                MqttPublishMessage p = expectPublish(sub);
                payloads.add(RawMqttClient.payloadAsString(p));
                sub.puback(p.variableHeader().packetId());
            }
            assertThat(payloads).containsExactlyElementsOf(
                    java.util.stream.IntStream.range(0, window + 8).mapToObj(i -> "m" + i).toList());
            assertThat(sub.drain(QUIET)).isEmpty();
        }
    }
}
