package io.fleetmq.broker.it.v3;

import io.fleetmq.broker.config.MqttConfig;
import io.fleetmq.broker.testing.BrokerExtension;
import io.fleetmq.broker.testing.RawMqttClient;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input at packet level: the offending connection is closed (MQTT 5: DISCONNECT with the reason code from
 * docs/mqtt-conformance.md "Choices the spec leaves open" first), and a well-behaved client connected beforehand keeps publishing and receiving normally.
 * The broker runs with {@code mqtt.maxPacketSize = 2048} so the oversize cases are cheap.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BadInputTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final int MAX_PACKET = 2048;

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.with(c -> {
        MqttConfig d = MqttConfig.defaults();
        return c.withMqtt(new MqttConfig(MAX_PACKET, d.receiveMaximum(), d.topicAliasMaximum(),
                d.maxKeepAlive(), d.maxQos(), d.retainAvailable(), d.wildcardSubscriptionAvailable(),
                d.sharedSubscriptionAvailable(), d.subscriptionIdentifiersAvailable(), d.maxClientIdLength(),
                d.connectTimeout()));
    });

    private RawMqttClient bystander;
    private String bystanderTopic;

    @BeforeEach
    void connectBystander() {
        bystander = RawMqttClient.open(broker);
        bystander.connect(broker.uniqueId("bystander"), MqttVersion.MQTT_3_1_1, true, 60, null);
        bystanderTopic = broker.uniqueTopic("bystander");
        bystander.subscribe(bystanderTopic, MqttQoS.AT_LEAST_ONCE);
        assertBystanderHealthy("before");
    }

    @AfterEach
    void closeBystander() {
        bystander.close();
    }

    /** The well-behaved client is still connected, can publish (PUBACK) and receives its own message. */
    private void assertBystanderHealthy(String when) {
        assertThat(bystander.isOpen()).as("bystander still connected (%s)", when).isTrue();
        String payload = "alive-" + when + "-" + broker.nextSequence();
        bystander.publishAndAwaitAck(bystanderTopic, payload, MqttQoS.AT_LEAST_ONCE, false);
        MqttPublishMessage p = bystander.awaitPacket(MqttMessageType.PUBLISH, -1, WAIT);
        assertThat(RawMqttClient.payloadAsString(p)).isEqualTo(payload);
        bystander.puback(p.variableHeader().packetId());
        bystander.pingreq();
        bystander.awaitPacket(MqttMessageType.PINGRESP, -1, WAIT);
    }

    // ------------------------------------------------------------------ cases

    /**
     * A bad packet sent after a successful CONNECT.
     *
     * @param v311Hex  bytes for an MQTT 3.1.1 connection
     * @param v5Hex    bytes for an MQTT 5 connection (null: case not applicable to v5)
     * @param v5Reason DISCONNECT reason code expected on v5
     */
    record BadPacket(String name, String v311Hex, String v5Hex, int v5Reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<BadPacket> badPackets() {
        return Stream.of(
                new BadPacket("PUBLISH with QoS 3 (malformed fixed header)",
                        "36 07 0003 612f62 0001", "36 08 0003 612f62 0001 00", 0x81),
                new BadPacket("SUBSCRIBE with reserved flags 0000 (malformed)",
                        "80 08 0001 0003 612f62 01", "80 09 0001 00 0003 612f62 01", 0x81),
                new BadPacket("remaining length encoded in 5 bytes (malformed)",
                        "30 ffffffff7f", "30 ffffffff7f", 0x81),
                new BadPacket("SUBSCRIBE without any topic filter",
                        "82 02 0001", "82 03 0001 00", 0x82),
                new BadPacket("remaining length 10 MiB beyond mqtt.maxPacketSize",
                        "30 80808005 0003 612f62", "30 80808005 0003 612f62 00", 0x95),
                new BadPacket("invalid UTF-8 (C3 28) in PUBLISH topic",
                        "30 05 0002 c328 78", "30 06 0002 c328 00 78", 0x81),
                new BadPacket("U+0000 in PUBLISH topic",
                        "30 05 0002 6100 78", "30 06 0002 6100 00 78", 0x81),
                new BadPacket("'#' wildcard in PUBLISH topic",
                        "30 06 0003 612f23 78", "30 07 0003 612f23 00 78", 0x82),
                new BadPacket("'+' wildcard in PUBLISH topic",
                        "30 06 0003 612f2b 78", "30 07 0003 612f2b 00 78", 0x82),
                new BadPacket("unknown packet type 0 (0x00)", "00 00", null, 0),
                new BadPacket("packet type 15 (0xF0, AUTH) in MQTT 3.1.1", "f0 00", null, 0));
    }

    static Stream<BadPacket> badPacketsForV5() {
        return badPackets().filter(b -> b.v5Hex() != null);
    }

    private static String clientId() {
        return broker.uniqueId("bad");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badPackets")
    void v311ConnectionIsClosedOnBadPacketAndOthersAreUnaffected(BadPacket bad) {
        String id = clientId();
        try (LogCapture log = LogCapture.all(); RawMqttClient c = RawMqttClient.open(broker)) {
            c.connect(id, MqttVersion.MQTT_3_1_1, true, 60, null);
            c.sendRaw(ByteBufUtil.decodeHexDump(bad.v311Hex().replace(" ", "")));
            assertThat(c.awaitClosed(WAIT)).as("connection closed after: %s", bad.name()).isTrue();
            assertThat(c.drain(Duration.ofMillis(50))).extracting(m -> m.fixedHeader().messageType())
                    .as("no PUBACK/SUBACK/... for a bad packet").doesNotContain(MqttMessageType.SUBACK,
                            MqttMessageType.PUBACK);
            assertOneWarning(log, id, bad.name());
        }
        assertBystanderHealthy(bad.name());
    }

    /** docs/mqtt-conformance.md "Choices the spec leaves open": one WARN log line per bad-input event. */
    private static void assertOneWarning(LogCapture log, String clientId, String what) {
        String key = "client=" + clientId + " ";
        Await.until(WAIT, "a WARN line for " + clientId + " after " + what, () -> log.warningsContaining(key) >= 1);
        Await.sleep(Duration.ofMillis(100));
        assertThat(log.warningsContaining(key)).as("exactly one WARN line for: %s", what).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badPacketsForV5")
    void v5ConnectionGetsDisconnectWithReasonCodeOnBadPacketAndOthersAreUnaffected(BadPacket bad) {
        try (RawMqttClient c = RawMqttClient.open(broker)) {
            c.connect(clientId(), MqttVersion.MQTT_5, true, 60, null);
            c.sendRaw(ByteBufUtil.decodeHexDump(bad.v5Hex().replace(" ", "")));
            assertDisconnectedWith(c, bad.v5Reason(), bad.name());
        }
        assertBystanderHealthy(bad.name());
    }

    private static void assertDisconnectedWith(RawMqttClient c, int reason, String what) {
        MqttMessage m = c.receive(WAIT);
        assertThat(m).as("v5 DISCONNECT expected after: %s", what).isNotNull();
        assertThat(m.fixedHeader() == null ? null : m.fixedHeader().messageType())
                .as("got %s after: %s", RawMqttClient.describe(m), what).isEqualTo(MqttMessageType.DISCONNECT);
        assertThat(RawMqttClient.disconnectReason(m)).as("DISCONNECT reason code after: %s", what)
                .isEqualTo(reason);
        assertThat(c.awaitClosed(WAIT)).as("closed after DISCONNECT").isTrue();
    }

    @Test
    void publishLargerThanMaxPacketSizeClosesV311Connection() {
        try (RawMqttClient c = RawMqttClient.open(broker)) {
            c.connect(clientId(), MqttVersion.MQTT_3_1_1, true, 60, null);
            c.publish(broker.uniqueTopic("big"), new byte[MAX_PACKET + 100], MqttQoS.AT_LEAST_ONCE, false);
            assertThat(c.awaitClosed(WAIT)).isTrue();
        }
        assertBystanderHealthy("oversize-v311");
    }

    @Test
    void publishLargerThanMaxPacketSizeGetsV5Disconnect0x95() {
        try (RawMqttClient c = RawMqttClient.open(broker)) {
            c.connect(clientId(), MqttVersion.MQTT_5, true, 60, null);
            c.publish(broker.uniqueTopic("big"), new byte[MAX_PACKET + 100], MqttQoS.AT_LEAST_ONCE, false);
            assertDisconnectedWith(c, 0x95, "oversize PUBLISH");
        }
        assertBystanderHealthy("oversize-v5");
    }

    @Test
    void secondConnectClosesV311Connection() {
        try (RawMqttClient c = RawMqttClient.open(broker)) {
            String id = clientId();
            c.connect(id, MqttVersion.MQTT_3_1_1, true, 60, null);
            c.send(RawMqttClient.connectBuilder(id, MqttVersion.MQTT_3_1_1, true, 60, null).build());
            assertThat(c.awaitClosed(WAIT)).as("[MQTT-3.1.0-2] second CONNECT is a protocol violation").isTrue();
            assertThat(c.drain(Duration.ofMillis(50))).extracting(m -> m.fixedHeader().messageType())
                    .doesNotContain(MqttMessageType.CONNACK);
        }
        assertBystanderHealthy("second-connect-v311");
    }

    @Test
    void secondConnectGetsV5Disconnect0x82() {
        try (RawMqttClient c = RawMqttClient.open(broker)) {
            String id = clientId();
            c.connect(id, MqttVersion.MQTT_5, true, 60, null);
            c.send(RawMqttClient.connectBuilder(id, MqttVersion.MQTT_5, true, 60, null).build());
            assertDisconnectedWith(c, 0x82, "second CONNECT");
        }
        assertBystanderHealthy("second-connect-v5");
    }

    @Test
    void publishBeforeConnectIsNotRoutedAndTheConnectionIsClosedWithoutReply() {
        try (RawMqttClient c = RawMqttClient.open(broker)) {
            byte[] topic = bystanderTopic.getBytes(StandardCharsets.UTF_8);
            byte[] packet = new byte[2 + 2 + topic.length + 1];
            packet[0] = 0x30;
            packet[1] = (byte) (2 + topic.length + 1);
            packet[3] = (byte) topic.length;
            System.arraycopy(topic, 0, packet, 4, topic.length);
            packet[packet.length - 1] = 'x';
            c.sendRaw(packet);
            assertThat(c.awaitClosed(WAIT)).as("[MQTT-3.1.0-1] first packet must be CONNECT").isTrue();
            assertThat(c.drain(Duration.ofMillis(50))).as("closed without reply").isEmpty();
        }
        assertThat(bystander.receive(Duration.ofMillis(300))).as("the PUBLISH sent before CONNECT is not routed")
                .isNull();
        assertBystanderHealthy("publish-before-connect");
    }

    @Test
    void subscribeBeforeConnectIsClosedWithoutReply() {
        try (RawMqttClient c = RawMqttClient.open(broker)) {
            c.sendRaw(ByteBufUtil.decodeHexDump("82080001" + "0003612f62" + "01")); // SUBSCRIBE a/b QoS 1
            assertThat(c.awaitClosed(WAIT)).isTrue();
            assertThat(c.drain(Duration.ofMillis(50))).isEmpty();
        }
        assertBystanderHealthy("subscribe-before-connect");
    }

    @Test
    void unsupportedProtocolLevelIsRefusedWithConnack0x01AndClosed() {
        try (RawMqttClient c = RawMqttClient.open(broker)) {
            // CONNECT, protocol "MQTT" level 6, clean session, keep alive 60, client id "x"
            c.sendRaw(ByteBufUtil.decodeHexDump("100d00044d5154540602003c000178"));
            MqttMessage m = c.receive(WAIT);
            assertThat(m).as("[MQTT-3.1.2-2] CONNACK 0x01 for an unsupported protocol level").isNotNull();
            assertThat(m.fixedHeader().messageType()).isEqualTo(MqttMessageType.CONNACK);
            assertThat(((MqttConnAckMessage) m).variableHeader().connectReturnCode())
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION);
            assertThat(c.awaitClosed(WAIT)).isTrue();
        }
        assertBystanderHealthy("protocol-level-6");
    }

    @Test
    void willIsPublishedWhenTheConnectionIsClosedForAProtocolError() {
        String willTopic = bystanderTopic + "/will";
        bystander.subscribe(willTopic, MqttQoS.AT_LEAST_ONCE);
        try (RawMqttClient c = RawMqttClient.open(broker)) {
            c.connect(RawMqttClient.connectWithWill(clientId(), MqttVersion.MQTT_3_1_1, true, 60, willTopic,
                    "protocol-error".getBytes(StandardCharsets.UTF_8), MqttQoS.AT_LEAST_ONCE, false, null));
            c.sendRaw(ByteBufUtil.decodeHexDump("0000"));
            assertThat(c.awaitClosed(WAIT)).isTrue();
        }
        MqttPublishMessage will = bystander.awaitPacket(MqttMessageType.PUBLISH, -1, WAIT);
        assertThat(will.variableHeader().topicName()).isEqualTo(willTopic);
        assertThat(RawMqttClient.payloadAsString(will)).isEqualTo("protocol-error");
        bystander.puback(will.variableHeader().packetId());
        assertBystanderHealthy("will-on-protocol-error");
    }

    @Test
    void garbageInsteadOfConnectIsClosedAndOthersAreUnaffected() {
        try (RawMqttClient c = RawMqttClient.open(broker)) {
            c.sendRaw("GET / HTTP/1.1\r\nHost: fleetmq\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(c.awaitClosed(WAIT)).isTrue();
        }
        assertBystanderHealthy("http-garbage");
    }
}
