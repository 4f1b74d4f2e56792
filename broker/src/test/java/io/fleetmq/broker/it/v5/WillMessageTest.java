package io.fleetmq.broker.it.v5;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.fleetmq.broker.testing.BrokerExtension;
import io.fleetmq.broker.testing.RawMqttClient;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static io.fleetmq.broker.it.v5.HiveV5.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Will messages (MQTT 5.0 sections 3.1.2.5, 3.1.3.2.2 Will Delay Interval, 3.14.2.1 reason 0x04, 3.14.4).
 * A watcher subscribes to the will topic; the will owner disconnects in various ways.
 */
class WillMessageTest {
    @RegisterExtension
    final BrokerExtension broker = BrokerExtension.withDefaults();

    private Mqtt5BlockingClient watcher;
    private Mqtt5BlockingClient.Mqtt5Publishes wills;

    @BeforeEach
    void connectClients() {
        watcher = HiveV5.client(broker, "will-watcher");
        wills = HiveV5.publishes(watcher);
        watcher.connect();
        watcher.subscribeWith().topicFilter("will/#").qos(MqttQos.AT_LEAST_ONCE).send();
    }

    @AfterEach
    void closeClients() {
        wills.close();
        HiveV5.quietDisconnect(watcher);
    }

    private Mqtt5BlockingClient connectWithWill(String id, String topic, long willDelay, long sessionExpiry,
                                                boolean cleanStart) {
        Mqtt5BlockingClient c = HiveV5.client(broker, id);
        c.connectWith().cleanStart(cleanStart).sessionExpiryInterval(sessionExpiry)
                .willPublish().topic(topic).payload(bytes("gone:" + id)).qos(MqttQos.AT_LEAST_ONCE)
                .delayInterval(willDelay).applyWillPublish()
                .send();
        return c;
    }

    // 3.14.2.1 reason code 0x04 Disconnect with Will Message: the server publishes the will ([MQTT-3.1.2-8]).
    @Test
    void disconnectWithWillMessageReasonPublishesWill() throws Exception {
        Mqtt5BlockingClient c = connectWithWill("will-04", "will/04", 0, 0, true);
        c.disconnectWith().reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE).send();
        Mqtt5Publish will = HiveV5.expect(wills);
        assertThat(will.getTopic().toString()).isEqualTo("will/04");
        assertThat(HiveV5.payload(will)).isEqualTo("gone:will-04");
    }

    // [MQTT-3.1.2-10] / [MQTT-3.14.4-3]: a normal DISCONNECT (0x00) discards the will without publishing it.
    @Test
    void normalDisconnectDoesNotPublishWill() throws Exception {
        Mqtt5BlockingClient c = connectWithWill("will-00", "will/00", 0, 0, true);
        c.disconnect();
        HiveV5.expectNone(wills, Duration.ofMillis(1_000));

        // Same with Paho (DISCONNECT 0x00 with no properties).
        try (PahoV5Client p = new PahoV5Client(broker, "will-00-paho")) {
            MqttConnectionOptions o = PahoV5Client.options(true, 0);
            o.setWill("will/00paho", new MqttMessage(bytes("gone"), 1, false, new org.eclipse.paho.mqttv5.common.packet.MqttProperties()));
            p.connect(o);
            p.disconnect();
        }
        HiveV5.expectNone(wills, Duration.ofMillis(1_000));
    }

    // [MQTT-3.1.3-9] / 3.1.3.2.2: with a Will Delay Interval the will is published after the delay, not before.
    @Test
    void willIsPublishedAfterWillDelayNotBefore() throws Exception {
        Mqtt5BlockingClient c = connectWithWill("will-delay", "will/delay", 2, 30, true);
        long t0 = System.nanoTime();
        c.disconnectWith().reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE).send();

        HiveV5.expectNone(wills, Duration.ofMillis(1_500));
        Mqtt5Publish will = HiveV5.expect(wills);
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(will.getTopic().toString()).isEqualTo("will/delay");
        assertThat(elapsedMs).as("will must not be published before the 2 s will delay").isGreaterThanOrEqualTo(1_800);
    }

    // [MQTT-3.1.3-9]: if a new network connection to the session is made before the will delay has passed, the
    // will is not sent.
    @Test
    void willIsCancelledWhenClientReconnectsWithinWillDelay() throws Exception {
        Mqtt5BlockingClient c = connectWithWill("will-cancel", "will/cancel", 2, 30, false);
        c.disconnectWith().reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE).send();
        Thread.sleep(300);

        Mqtt5BlockingClient again = HiveV5.client(broker, "will-cancel");
        Mqtt5ConnAck ack = again.connectWith().cleanStart(false).sessionExpiryInterval(30).send();
        assertThat(ack.isSessionPresent()).isTrue();
        HiveV5.expectNone(wills, Duration.ofMillis(3_000));
        again.disconnect();
    }

    // 3.1.3.2.2 / 3.1.2.11.2: the will is published when the session ends if that happens before the will delay
    // (session expiry 1 s < will delay 10 s -> will at about 1 s).
    @Test
    void willIsPublishedAtSessionExpiryWhenShorterThanWillDelay() throws Exception {
        Mqtt5BlockingClient c = connectWithWill("will-expiry", "will/expiry", 10, 1, true);
        long t0 = System.nanoTime();
        c.disconnectWith().reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE).send();

        Mqtt5Publish will = HiveV5.expect(wills);
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(will.getTopic().toString()).isEqualTo("will/expiry");
        assertThat(elapsedMs).as("will at session expiry (1 s), not at will delay (10 s)")
                .isBetween(700L, 4_000L);
    }

    // [MQTT-3.1.2-8]: a network connection closed without DISCONNECT (raw client drops the socket) publishes the will,
    // with its properties (content type, user property) forwarded (Will Properties 3.1.3.2, user property order [MQTT-3.1.3-10]).
    @Test
    void socketDropPublishesWillWithProperties() throws Exception {
        MqttProperties willProps = Raw5.props(MqttPropertyType.CONTENT_TYPE, "text/plain");
        willProps.add(new MqttProperties.UserProperty("k", "v"));
        RawMqttClient owner = RawMqttClient.open(broker);
        owner.connect(RawMqttClient.connectWithWill("will-drop", MqttVersion.MQTT_5, true, 60, "will/drop",
                bytes("dropped"), MqttQoS.AT_LEAST_ONCE, false, willProps));
        owner.resetConnection();

        Mqtt5Publish will = HiveV5.expect(wills);
        assertThat(will.getTopic().toString()).isEqualTo("will/drop");
        assertThat(HiveV5.payload(will)).isEqualTo("dropped");
        assertThat(will.getContentType()).map(Object::toString).contains("text/plain");
        assertThat(will.getUserProperties().asList())
                .extracting(u -> u.getName() + "=" + u.getValue()).containsExactly("k=v");
    }
}
