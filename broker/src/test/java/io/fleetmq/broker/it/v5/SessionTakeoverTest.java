package io.fleetmq.broker.it.v5;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5Disconnect;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import io.fleetmq.broker.testing.BrokerExtension;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import static io.fleetmq.broker.it.v5.HiveV5.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session takeover (MQTT 5.0 section 3.1.4 point 3): a second connection with the same Client Identifier makes the
 * server disconnect the existing one, with DISCONNECT reason 0x8E Session taken over [MQTT-3.1.4-3] (see 4.13 / 3.14.2.1).
 */
class SessionTakeoverTest {
    @RegisterExtension
    final BrokerExtension broker = BrokerExtension.withDefaults();

    // [MQTT-3.1.4-3], reason code 0x8E (3.14.2.1): Paho as the old and the new connection.
    @Test
    void oldPahoConnectionGetsDisconnectSessionTakenOver() throws Exception {
        try (PahoV5Client first = new PahoV5Client(broker, "takeover-paho");
             PahoV5Client second = new PahoV5Client(broker, "takeover-paho")) {
            first.connect();
            second.connect();
            MqttDisconnectResponse d = first.expectServerDisconnect();
            assertThat(d.getReturnCode()).isEqualTo(0x8E);
            assertThat(second.client.isConnected()).isTrue();
        }
    }

    // [MQTT-3.1.4-3] with HiveMQ, clean start 0: the session (subscriptions) continues on the new connection
    // ([MQTT-3.1.2-5], session present = 1 [MQTT-3.2.2-2]).
    @Test
    void takeoverWithCleanStartZeroContinuesSession() throws Exception {
        BlockingQueue<Throwable> firstDisconnects = new LinkedBlockingQueue<>();
        Mqtt5BlockingClient first = HiveV5.recordingDisconnects(broker, "takeover-hive", firstDisconnects);
        first.connectWith().cleanStart(false).sessionExpiryInterval(60).send();
        first.subscribeWith().topicFilter("takeover/t").qos(MqttQos.AT_LEAST_ONCE).send();

        Mqtt5BlockingClient second = HiveV5.client(broker, "takeover-hive");
        try (Mqtt5BlockingClient.Mqtt5Publishes in = HiveV5.publishes(second)) {
            Mqtt5ConnAck ack = second.connectWith().cleanStart(false).sessionExpiryInterval(60).send();
            assertThat(ack.isSessionPresent()).isTrue();

            Mqtt5Disconnect d = HiveV5.expectServerDisconnect(firstDisconnects);
            assertThat(d.getReasonCode()).isEqualTo(Mqtt5DisconnectReasonCode.SESSION_TAKEN_OVER);

            Mqtt5BlockingClient pub = HiveV5.connected(broker, "takeover-pub");
            pub.publishWith().topic("takeover/t").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("to-new")).send();
            assertThat(HiveV5.payload(HiveV5.expect(in))).isEqualTo("to-new");
            pub.disconnect();
        } finally {
            HiveV5.quietDisconnect(second);
        }
    }

    // [MQTT-3.1.4-3] + [MQTT-3.1.2-4]: takeover with clean start 1 discards the old session (session present 0).
    @Test
    void takeoverWithCleanStartOneDiscardsSession() throws Exception {
        BlockingQueue<Throwable> firstDisconnects = new LinkedBlockingQueue<>();
        Mqtt5BlockingClient first = HiveV5.recordingDisconnects(broker, "takeover-clean", firstDisconnects);
        first.connectWith().cleanStart(false).sessionExpiryInterval(60).send();
        first.subscribeWith().topicFilter("takeover/clean").qos(MqttQos.AT_LEAST_ONCE).send();

        Mqtt5BlockingClient second = HiveV5.client(broker, "takeover-clean");
        Mqtt5ConnAck ack = second.connectWith().cleanStart(true).send();
        assertThat(ack.isSessionPresent()).isFalse();
        assertThat(HiveV5.expectServerDisconnect(firstDisconnects).getReasonCode())
                .isEqualTo(Mqtt5DisconnectReasonCode.SESSION_TAKEN_OVER);
        second.disconnect();
    }
}
