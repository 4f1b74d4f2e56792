package io.fleetmq.broker.it.v5;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import io.fleetmq.broker.testing.BrokerExtension;
import io.fleetmq.broker.testing.RawMqttClient;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static io.fleetmq.broker.it.v5.HiveV5.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clean Start and Session Expiry Interval (MQTT 5.0 sections 3.1.2.4, 3.1.2.11.2, 3.14.2.2.2, 4.1).
 * Sessions here use short expiry intervals (1 s) so "gone after the interval" is observed in a few seconds.
 */
class SessionExpiryTest {
    @RegisterExtension
    final BrokerExtension broker = BrokerExtension.withDefaults();

    // [MQTT-3.1.2-5] clean start 0 resumes an existing session; [MQTT-3.1.2-23] state kept after the connection
    // closes while the expiry interval runs; [MQTT-3.2.2-2] CONNACK session present = 1.
    // Offline queue: QoS 1 messages matching the session's subscriptions are stored and delivered on reconnect
    // (section 4.1 session state, [MQTT-3.1.2-5]).
    @Test
    void persistentSessionSurvivesDisconnectAndDeliversOfflineQueueOnReconnect() throws Exception {
        try (PahoV5Client sub = new PahoV5Client(broker, "se-persist");
             PahoV5Client pub = new PahoV5Client(broker, "se-persist-pub")) {
            sub.connect(PahoV5Client.options(false, 30));
            sub.subscribe("se/queue", 1);
            sub.disconnect();

            pub.connect();
            pub.publish("se/queue", "offline-1", 1, false);
            pub.publish("se/queue", "offline-2", 1, false);
            pub.publish("se/queue", "offline-qos0", 0, false); // QoS 0 is not queued for offline sessions (docs/mqtt-conformance.md)
        }
        try (PahoV5Client again = new PahoV5Client(broker, "se-persist")) {
            IMqttToken connack = again.connect(PahoV5Client.options(false, 30));
            assertThat(connack.getSessionPresent()).as("session present").isTrue();
            assertThat(again.expectMessage().payload()).isEqualTo("offline-1");
            assertThat(again.expectMessage().payload()).isEqualTo("offline-2");
            again.expectNoMessage(Duration.ofMillis(500));
        }
    }

    // [MQTT-3.1.2-23]: the session is discarded once the Session Expiry Interval has passed after disconnection;
    // a later clean-start-0 connect gets session present = 0 ([MQTT-3.2.2-3]) and no old subscriptions.
    @Test
    void sessionIsDiscardedAfterExpiryInterval() throws Exception {
        try (PahoV5Client sub = new PahoV5Client(broker, "se-expire")) {
            sub.connect(PahoV5Client.options(false, 1));
            sub.subscribe("se/expire", 1);
            sub.disconnect();
        }
        Thread.sleep(2_500);
        try (PahoV5Client again = new PahoV5Client(broker, "se-expire");
             PahoV5Client pub = new PahoV5Client(broker, "se-expire-pub")) {
            IMqttToken connack = again.connect(PahoV5Client.options(false, 30));
            assertThat(connack.getSessionPresent()).as("session present after expiry").isFalse();
            pub.connect();
            pub.publish("se/expire", "after-expiry", 1, false);
            again.expectNoMessage(Duration.ofMillis(700));
        }
    }

    // Session Expiry Interval absent/0: the session ends when the network connection closes (3.1.2.11.2).
    @Test
    void expiryZeroEndsSessionAtDisconnect() throws Exception {
        try (PahoV5Client sub = new PahoV5Client(broker, "se-zero")) {
            sub.connect(PahoV5Client.options(false, 0));
            sub.subscribe("se/zero", 1);
            sub.disconnect();
        }
        try (PahoV5Client again = new PahoV5Client(broker, "se-zero")) {
            IMqttToken connack = again.connect(PahoV5Client.options(false, 0));
            assertThat(connack.getSessionPresent()).isFalse();
        }
    }

    // [MQTT-3.1.2-4]: clean start 1 discards any existing session; [MQTT-3.2.2-2] session present = 0.
    @Test
    void cleanStartDiscardsExistingSession() throws Exception {
        Mqtt5BlockingClient c = HiveV5.client(broker, "se-clean");
        c.connectWith().cleanStart(false).sessionExpiryInterval(60).send();
        c.subscribeWith().topicFilter("se/clean").qos(MqttQos.AT_LEAST_ONCE).send();
        c.disconnect();

        Mqtt5BlockingClient c2 = HiveV5.client(broker, "se-clean");
        try (Mqtt5BlockingClient.Mqtt5Publishes in = HiveV5.publishes(c2)) {
            Mqtt5ConnAck ack = c2.connectWith().cleanStart(true).sessionExpiryInterval(60).send();
            assertThat(ack.isSessionPresent()).isFalse();
            Mqtt5BlockingClient pub = HiveV5.connected(broker, "se-clean-pub");
            pub.publishWith().topic("se/clean").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("x")).send();
            HiveV5.expectNone(in, Duration.ofMillis(700));
            pub.disconnect();
        } finally {
            HiveV5.quietDisconnect(c2);
        }
    }

    // 3.14.2.2.2: DISCONNECT may change a non-zero Session Expiry Interval; lowering it to 1 s makes the session
    // expire 1 s after the disconnect although CONNECT asked for 60 s.
    @Test
    void disconnectCanLowerSessionExpiry() throws Exception {
        Mqtt5BlockingClient c = HiveV5.client(broker, "se-lower");
        c.connectWith().cleanStart(false).sessionExpiryInterval(60).send();
        c.subscribeWith().topicFilter("se/lower").qos(MqttQos.AT_LEAST_ONCE).send();
        c.disconnectWith().sessionExpiryInterval(1).send();
        Thread.sleep(2_500);

        Mqtt5BlockingClient c2 = HiveV5.client(broker, "se-lower");
        Mqtt5ConnAck ack = c2.connectWith().cleanStart(false).sessionExpiryInterval(60).send();
        assertThat(ack.isSessionPresent()).as("session should have expired 1 s after DISCONNECT").isFalse();
        c2.disconnect();
    }

    // 3.14.2.2.2: DISCONNECT may raise a non-zero Session Expiry Interval (1 s at CONNECT -> 60 s at DISCONNECT).
    @Test
    void disconnectCanRaiseNonZeroSessionExpiry() throws Exception {
        Mqtt5BlockingClient c = HiveV5.client(broker, "se-raise");
        c.connectWith().cleanStart(false).sessionExpiryInterval(1).send();
        c.subscribeWith().topicFilter("se/raise").qos(MqttQos.AT_LEAST_ONCE).send();
        c.disconnectWith().sessionExpiryInterval(60).send();
        Thread.sleep(2_500);

        Mqtt5BlockingClient c2 = HiveV5.client(broker, "se-raise");
        try (Mqtt5BlockingClient.Mqtt5Publishes in = HiveV5.publishes(c2)) {
            Mqtt5ConnAck ack = c2.connectWith().cleanStart(false).sessionExpiryInterval(60).send();
            assertThat(ack.isSessionPresent()).as("session should still exist (expiry raised to 60 s)").isTrue();
            Mqtt5BlockingClient pub = HiveV5.connected(broker, "se-raise-pub");
            pub.publishWith().topic("se/raise").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("kept")).send();
            assertThat(HiveV5.payload(HiveV5.expect(in))).isEqualTo("kept");
            pub.disconnect();
        } finally {
            HiveV5.quietDisconnect(c2);
        }
    }

    // 3.14.2.2.2: Session Expiry Interval 0 at CONNECT and non-zero in DISCONNECT is a Protocol Error; the server
    // does not treat it as a valid DISCONNECT and answers DISCONNECT 0x82 (4.13), then closes the connection.
    @Test
    void disconnectSettingExpiryFromZeroToNonZeroIsProtocolError0x82() {
        try (RawMqttClient c = Raw5.connect(broker, "se-zero-raise")) {
            Raw5.sendDisconnect(c, 0x00, Raw5.props(MqttPropertyType.SESSION_EXPIRY_INTERVAL, 30));
            Raw5.expectDisconnect(c, 0x82);
        }
        // and the session did not survive: it ended with the connection (expiry stayed 0)
        try (RawMqttClient again = RawMqttClient.open(broker)) {
            MqttConnAckMessage ack = again.connect("se-zero-raise", MqttVersion.MQTT_5, false, 60,
                    Raw5.props(MqttPropertyType.SESSION_EXPIRY_INTERVAL, 30));
            assertThat(ack.variableHeader().isSessionPresent()).isFalse();
        }
    }
}
