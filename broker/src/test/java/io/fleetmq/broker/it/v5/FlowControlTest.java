package io.fleetmq.broker.it.v5;

import io.fleetmq.broker.testing.RawMqttClient;
import io.fleetmq.broker.testing.TestBroker;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType.RECEIVE_MAXIMUM;
import static org.assertj.core.api.Assertions.assertThat;

/** Flow control with Receive Maximum (MQTT 5.0 sections 3.1.2.11.3, 3.2.2.3.3, 4.9). */
class FlowControlTest {

    // [MQTT-3.3.4-9]: the server must not send more than the client's Receive Maximum unacknowledged QoS 1
    // PUBLISHes; the third message flows only after one PUBACK.
    @Test
    void brokerRespectsClientReceiveMaximum() throws Exception {
        try (TestBroker broker = TestBroker.start();
             RawMqttClient sub = Raw5.connect(broker, "fc-sub", true, Raw5.props(RECEIVE_MAXIMUM, 2));
             PahoV5Client pub = new PahoV5Client(broker, "fc-pub")) {
            sub.subscribe("fc/t", MqttQoS.AT_LEAST_ONCE);
            pub.connect();
            for (int i = 1; i <= 3; i++) {
                pub.publish("fc/t", "m" + i, 1, false);
            }
            List<MqttPublishMessage> inflight = new ArrayList<>();
            inflight.add(Raw5.expectPublish(sub));
            inflight.add(Raw5.expectPublish(sub));
            Raw5.expectNoPublish(sub, Duration.ofMillis(700));
            assertThat(inflight).extracting(RawMqttClient::payloadAsString).containsExactly("m1", "m2");

            sub.puback(inflight.get(0).variableHeader().packetId());
            MqttPublishMessage third = Raw5.expectPublish(sub);
            assertThat(RawMqttClient.payloadAsString(third)).isEqualTo("m3");
            assertThat(third.fixedHeader().qosLevel()).isEqualTo(MqttQoS.AT_LEAST_ONCE);
            Raw5.expectNoPublish(sub, Duration.ofMillis(300));
        }
    }

    // 3.2.2.3.3 / [MQTT-3.3.4-7]: the broker's Receive Maximum (mqtt.receiveMaximum = 2) is announced in CONNACK; a
    // client sending a third unacknowledged QoS 2 PUBLISH (no PUBREL) exceeds it -> DISCONNECT 0x93.
    @Test
    void clientExceedingBrokerReceiveMaximumIsDisconnectedWith0x93() {
        try (TestBroker broker = TestBroker.start(c -> c.withMqtt(MqttConfigs.receiveMaximum(c.mqtt(), 2)));
             RawMqttClient pub = RawMqttClient.open(broker)) {
            MqttConnAckMessage ack = pub.connect("fc-over", MqttVersion.MQTT_5, true, 60, null);
            assertThat(Raw5.intProp(ack.variableHeader().properties(), RECEIVE_MAXIMUM)).isEqualTo(2);
            pub.publish("fc/over", "q2-1", MqttQoS.EXACTLY_ONCE, false);
            pub.publish("fc/over", "q2-2", MqttQoS.EXACTLY_ONCE, false);
            pub.publish("fc/over", "q2-3", MqttQoS.EXACTLY_ONCE, false);
            Raw5.expectDisconnect(pub, 0x93);
        }
    }
}
