package io.fleetmq.broker.it.v5;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.unsubscribe.unsuback.Mqtt5UnsubAck;
import com.hivemq.client.mqtt.mqtt5.message.unsubscribe.unsuback.Mqtt5UnsubAckReasonCode;
import io.fleetmq.broker.testing.BrokerExtension;
import io.fleetmq.broker.testing.RawMqttClient;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static io.fleetmq.broker.it.v5.HiveV5.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/** UNSUBSCRIBE / UNSUBACK (MQTT 5.0 sections 3.10, 3.11). */
class UnsubscribeTest {
    @RegisterExtension
    final BrokerExtension broker = BrokerExtension.withDefaults();

    // [MQTT-3.10.4-1]/[MQTT-3.10.4-2]: unsubscribing an existing filter removes it (no more messages), UNSUBACK
    // 0x00 Success (3.11.3); an unknown filter gets 0x11 No subscription existed.
    @Test
    void unsubscribeRemovesSubscriptionAndUnknownFilterGets0x11() throws Exception {
        Mqtt5BlockingClient c = HiveV5.client(broker, "unsub-hive");
        try (Mqtt5BlockingClient.Mqtt5Publishes in = HiveV5.publishes(c)) {
            c.connect();
            c.subscribeWith().topicFilter("un/t").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt5UnsubAck ok = c.unsubscribeWith().topicFilter("un/t").send();
            assertThat(ok.getReasonCodes()).containsExactly(Mqtt5UnsubAckReasonCode.SUCCESS);
            Mqtt5UnsubAck unknown = c.unsubscribeWith().topicFilter("un/never").send();
            assertThat(unknown.getReasonCodes()).containsExactly(Mqtt5UnsubAckReasonCode.NO_SUBSCRIPTIONS_EXISTED);

            c.publishWith().topic("un/t").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("after")).send();
            HiveV5.expectNone(in, Duration.ofMillis(700));
        } finally {
            HiveV5.quietDisconnect(c);
        }
    }

    // [MQTT-3.11.3-1]: one reason code per filter, in the order of the UNSUBSCRIBE (raw, exact bytes).
    @Test
    void unsubackHasOneReasonCodePerFilterInOrder() {
        try (RawMqttClient c = Raw5.connect(broker, "unsub-raw")) {
            c.subscribe("un/a", MqttQoS.AT_LEAST_ONCE);
            c.subscribe("un/c/#", MqttQoS.AT_LEAST_ONCE);
            int id = c.nextPacketId();
            c.send(MqttMessageBuilders.unsubscribe().messageId(id)
                    .addTopicFilter("un/a").addTopicFilter("un/b").addTopicFilter("un/c/#").build());
            MqttUnsubAckMessage ack = c.awaitPacket(MqttMessageType.UNSUBACK, id, Raw5.WAIT);
            assertThat(ack.payload().unsubscribeReasonCodes()).containsExactly((short) 0x00, (short) 0x11, (short) 0x00);
        }
    }

    // Paho: UNSUBACK reason codes are exposed on the token.
    @Test
    void pahoSeesUnsubackReasonCodes() throws Exception {
        try (PahoV5Client c = new PahoV5Client(broker, "unsub-paho")) {
            c.connect();
            c.subscribe("un/p", 1);
            org.eclipse.paho.mqttv5.client.IMqttToken token =
                    c.client.unsubscribe(new String[]{"un/p", "un/q"}, null, null, null);
            token.waitForCompletion(PahoV5Client.WAIT_MS);
            int[] codes = token.getReasonCodes();
            assertThat(codes).containsExactly(0x00, 0x11);
        }
    }
}
