package io.fleetmq.broker.it.attacks;

import io.fleetmq.broker.testing.RawMqttClient;
import io.fleetmq.broker.testing.TestBroker;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Raw-client steps the flood tests share: connect, a QoS 1 PUBLISH and its ack's reason code, a SUBACK code. */
final class Attackers {
    static final int QUOTA_EXCEEDED = 0x97;

    private Attackers() {
    }

    static RawMqttClient connected(TestBroker broker, MqttVersion version, String clientId) {
        RawMqttClient c = RawMqttClient.open(broker);
        MqttConnAckMessage ack = c.connect(clientId, version, true, 60, null);
        assertThat(ack.variableHeader().connectReturnCode().byteValue()).as("CONNACK").isZero();
        return c;
    }

    /** A QoS 1 PUBLISH; the PUBACK reason code (v5), 0 for v3.1.1 (which has none). */
    static int publishQos1(RawMqttClient c, String topic, byte[] payload, boolean retain) {
        int id = c.publish(topic, payload, MqttQoS.AT_LEAST_ONCE, retain);
        MqttMessage ack = c.awaitPacket(MqttMessageType.PUBACK, id, RawMqttClient.DEFAULT_TIMEOUT);
        return ack.variableHeader() instanceof MqttPubReplyMessageVariableHeader r ? r.reasonCode() & 0xFF : 0;
    }

    /** SUBSCRIBE one filter at QoS 1; the SUBACK code. */
    static int subscribe(RawMqttClient c, String filter) {
        return c.subscribe(filter, MqttQoS.AT_LEAST_ONCE).payload().reasonCodes().get(0);
    }

    /** The topics of the PUBLISHes that arrive until none came for {@code quiet}. */
    static List<String> topicsReceived(RawMqttClient c, Duration quiet) {
        List<String> topics = new ArrayList<>();
        for (MqttMessage m : c.drain(quiet)) {
            if (m instanceof MqttPublishMessage p) {
                topics.add(p.variableHeader().topicName());
            }
        }
        return topics;
    }

    /** A live round trip through the broker: {@code c} subscribed to {@code topic} and receives its own message. */
    static void roundTrip(RawMqttClient c, String topic, String payload) {
        c.publish(topic, payload, MqttQoS.AT_MOST_ONCE, false);
        MqttPublishMessage p = c.awaitPacket(MqttMessageType.PUBLISH, -1, RawMqttClient.DEFAULT_TIMEOUT);
        assertThat(RawMqttClient.payloadAsString(p)).isEqualTo(payload);
    }

    static int httpPort(TestBroker broker) {
        return broker.broker().httpAddress().getPort();
    }
}
