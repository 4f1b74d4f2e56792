package io.fleetmq.broker.it.v5;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import io.fleetmq.broker.testing.RawMqttClient;
import io.fleetmq.broker.testing.TestBroker;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.fleetmq.broker.it.v5.HiveV5.bytes;
import static io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType.MAXIMUM_PACKET_SIZE;
import static org.assertj.core.api.Assertions.assertThat;

/** Maximum Packet Size in both directions (MQTT 5.0 sections 3.1.2.11.4, 3.2.2.3.6). */
class MaximumPacketSizeTest {

    // 3.2.2.3.6: CONNACK announces the broker's Maximum Packet Size (mqtt.maxPacketSize).
    @Test
    void connackAnnouncesMaximumPacketSize() {
        try (TestBroker broker = TestBroker.start(c -> c.withMqtt(MqttConfigs.maxPacketSize(c.mqtt(), 4096)))) {
            Mqtt5BlockingClient c = HiveV5.client(broker, "mps-announce");
            Mqtt5ConnAck ack = c.connect();
            assertThat(ack.getRestrictions().getMaximumPacketSize()).isEqualTo(4096);
            c.disconnect();
            try (RawMqttClient raw = RawMqttClient.open(broker)) {
                MqttConnAckMessage rawAck = raw.connect("mps-announce-raw", MqttVersion.MQTT_5, true, 60, null);
                assertThat(Raw5.intProp(rawAck.variableHeader().properties(), MAXIMUM_PACKET_SIZE)).isEqualTo(4096);
            }
        }
    }

    // [MQTT-3.1.2-24] (server must not send packets over the client's Maximum Packet Size) and [MQTT-3.1.2-25]
    // (it discards such a message for that client, as if delivered): a 1000-byte message is not delivered to a Paho
    // client with Maximum Packet Size 256, the small messages around it are.
    @Test
    void oversizedMessageIsNotDeliveredToPahoClientWithSmallMaximumPacketSize() throws Exception {
        try (TestBroker broker = TestBroker.start();
             PahoV5Client sub = new PahoV5Client(broker, "mps-paho-sub");
             PahoV5Client pub = new PahoV5Client(broker, "mps-paho-pub")) {
            MqttConnectionOptions o = PahoV5Client.options(true, 0);
            o.setMaximumPacketSize(256L);
            sub.connect(o);
            sub.subscribe("mps/t", 1);
            pub.connect();
            pub.publish("mps/t", "small-1", 1, false);
            pub.publish("mps/t", "x".repeat(1000), 1, false);
            pub.publish("mps/t", "small-2", 1, false);
            assertThat(sub.expectMessage().payload()).isEqualTo("small-1");
            assertThat(sub.expectMessage().payload()).isEqualTo("small-2");
            sub.expectNoMessage(Duration.ofMillis(500));
            assertThat(sub.client.isConnected()).isTrue();
        }
    }

    // Same requirement with HiveMQ (restrictions().maximumPacketSize) and a QoS 0 message, and a raw client that
    // checks the size on the wire: nothing larger than 300 bytes arrives.
    @Test
    void oversizedMessageIsNotDeliveredToHiveAndRawClients() throws Exception {
        try (TestBroker broker = TestBroker.start();
             RawMqttClient raw = Raw5.connect(broker, "mps-raw-sub", true, Raw5.props(MAXIMUM_PACKET_SIZE, 300))) {
            Mqtt5BlockingClient hive = HiveV5.client(broker, "mps-hive-sub");
            try (Mqtt5BlockingClient.Mqtt5Publishes in = HiveV5.publishes(hive)) {
                hive.connectWith().restrictions().maximumPacketSize(300).applyRestrictions().send();
                hive.subscribeWith().topicFilter("mps/h").qos(MqttQos.AT_MOST_ONCE).send();
                raw.subscribe("mps/h", MqttQoS.AT_MOST_ONCE);

                Mqtt5BlockingClient pub = HiveV5.connected(broker, "mps-hive-pub");
                pub.publishWith().topic("mps/h").payload(bytes("y".repeat(2000))).send();
                pub.publishWith().topic("mps/h").payload(bytes("tiny")).send();
                pub.disconnect();

                assertThat(HiveV5.payload(HiveV5.expect(in))).isEqualTo("tiny");
                HiveV5.expectNone(in, Duration.ofMillis(300));
                assertThat(RawMqttClient.payloadAsString(Raw5.expectPublish(raw))).isEqualTo("tiny");
                Raw5.expectNoPublish(raw, Duration.ofMillis(300));
                assertThat(raw.isOpen()).isTrue();
            } finally {
                HiveV5.quietDisconnect(hive);
            }
        }
    }

    // 3.2.2.3.6 / [MQTT-3.2.2-15] + 4.13: a client sending a packet larger than the broker's Maximum Packet Size
    // (mqtt.maxPacketSize = 1024) gets DISCONNECT 0x95 Packet too large and is disconnected.
    @Test
    void clientPacketOverBrokerMaximumIsDisconnectedWith0x95() {
        try (TestBroker broker = TestBroker.start(c -> c.withMqtt(MqttConfigs.maxPacketSize(c.mqtt(), 1024)));
             RawMqttClient pub = Raw5.connect(broker, "mps-over")) {
            pub.publish("mps/over", "z".repeat(2000), MqttQoS.AT_LEAST_ONCE, false);
            Raw5.expectDisconnect(pub, 0x95);
        }
    }

    // 3.2.2.3.6: Maximum Packet Size is the TOTAL packet size (fixed header + remaining length + body). With
    // mqtt.maxPacketSize = 1024 a PUBLISH of exactly 1024 bytes is accepted and one of 1025 bytes is rejected (0x95).
    // QoS 1 PUBLISH to "mps/b": 1 (type) + 2 (remaining length) + 7 (topic) + 2 (packet id) + 1 (properties
    // length 0) + payload, so payload 1011 -> 1024 bytes, payload 1012 -> 1025 bytes.
    @Test
    void maximumPacketSizeBoundaryCountsWholePacket() {
        try (TestBroker broker = TestBroker.start(c -> c.withMqtt(MqttConfigs.maxPacketSize(c.mqtt(), 1024)));
             RawMqttClient exact = Raw5.connect(broker, "mps-exact");
             RawMqttClient over = Raw5.connect(broker, "mps-plus-one")) {
            int id = exact.publish("mps/b", "a".repeat(1011), MqttQoS.AT_LEAST_ONCE, false);
            exact.awaitPacket(io.netty.handler.codec.mqtt.MqttMessageType.PUBACK, id, Raw5.WAIT);
            assertThat(exact.isOpen()).as("a 1024-byte packet is within the limit").isTrue();

            over.publish("mps/b", "a".repeat(1012), MqttQoS.AT_LEAST_ONCE, false);
            Raw5.expectDisconnect(over, 0x95);
        }
    }
}
