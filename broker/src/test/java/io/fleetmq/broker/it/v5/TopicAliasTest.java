package io.fleetmq.broker.it.v5;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.fleetmq.broker.testing.BrokerExtension;
import io.fleetmq.broker.testing.RawMqttClient;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static io.fleetmq.broker.it.v5.HiveV5.bytes;
import static io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType.TOPIC_ALIAS;
import static io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType.TOPIC_ALIAS_MAXIMUM;
import static org.assertj.core.api.Assertions.assertThat;

/** Topic aliases (MQTT 5.0 section 3.3.2.3.4, 3.1.2.11.5, 3.2.2.3.8). */
class TopicAliasTest {
    @RegisterExtension
    final BrokerExtension broker = BrokerExtension.withDefaults();

    // 3.2.2.3.8: CONNACK announces the broker's Topic Alias Maximum (64 by default).
    @Test
    void connackAnnouncesTopicAliasMaximum() {
        try (RawMqttClient c = RawMqttClient.open(broker)) {
            MqttConnAckMessage ack = c.connect("ta-announce", MqttVersion.MQTT_5, true, 60, null);
            assertThat(Raw5.intProp(ack.variableHeader().properties(), TOPIC_ALIAS_MAXIMUM)).isEqualTo(64);
        }
    }

    // 3.3.2.3.4: the client establishes alias 1 -> "ta/in" (topic + alias), then publishes with an empty topic and
    // alias 1; the broker resolves it and subscribers see the full topic name both times.
    @Test
    void clientToServerAliasIsEstablishedThenUsedWithEmptyTopic() throws Exception {
        try (PahoV5Client sub = new PahoV5Client(broker, "ta-in-sub");
             RawMqttClient pub = Raw5.connect(broker, "ta-in-pub")) {
            sub.connect();
            sub.subscribe("ta/in", 1);

            pub.publish("ta/in", bytes("one"), MqttQoS.AT_MOST_ONCE, false, false, 0, Raw5.props(TOPIC_ALIAS, 1));
            pub.publish("", bytes("two"), MqttQoS.AT_MOST_ONCE, false, false, 0, Raw5.props(TOPIC_ALIAS, 1));

            PahoV5Client.Received first = sub.expectMessage();
            PahoV5Client.Received second = sub.expectMessage();
            assertThat(first.topic()).isEqualTo("ta/in");
            assertThat(first.payload()).isEqualTo("one");
            assertThat(second.topic()).isEqualTo("ta/in");
            assertThat(second.payload()).isEqualTo("two");
            assertThat(pub.isOpen()).isTrue();
        }
    }

    // [MQTT-3.1.2-26] / 3.3.2.3.4: the client announced Topic Alias Maximum 5, so the broker may map topics: the
    // first message carries topic + alias (<= 5), the next one to the same topic an empty topic + the same alias.
    @Test
    void serverToClientAliasIsUsedForRepeatedTopic() throws Exception {
        try (RawMqttClient sub = Raw5.connect(broker, "ta-out-sub", true, Raw5.props(TOPIC_ALIAS_MAXIMUM, 5))) {
            sub.subscribe("ta/out", MqttQoS.AT_MOST_ONCE);
            Mqtt5BlockingClient pub = HiveV5.connected(broker, "ta-out-pub");
            pub.publishWith().topic("ta/out").qos(MqttQos.AT_MOST_ONCE).payload(bytes("m1")).send();
            MqttPublishMessage p1 = Raw5.expectPublish(sub);
            pub.publishWith().topic("ta/out").qos(MqttQos.AT_MOST_ONCE).payload(bytes("m2")).send();
            MqttPublishMessage p2 = Raw5.expectPublish(sub);
            pub.disconnect();

            Integer alias1 = Raw5.intProp(p1.variableHeader().properties(), TOPIC_ALIAS);
            Integer alias2 = Raw5.intProp(p2.variableHeader().properties(), TOPIC_ALIAS);
            assertThat(p1.variableHeader().topicName()).isEqualTo("ta/out");
            assertThat(alias1).as("first message establishes an alias").isNotNull().isBetween(1, 5);
            assertThat(p2.variableHeader().topicName()).as("second message uses the alias only").isEmpty();
            assertThat(alias2).isEqualTo(alias1);
            assertThat(p2.payload().toString(StandardCharsets.UTF_8)).isEqualTo("m2");
        }
    }

    // [MQTT-3.1.2-27]: without a Topic Alias Maximum in CONNECT the broker must not send any topic alias.
    @Test
    void noAliasesToClientWithoutTopicAliasMaximum() {
        try (RawMqttClient sub = Raw5.connect(broker, "ta-none-sub");
             RawMqttClient pub = Raw5.connect(broker, "ta-none-pub")) {
            sub.subscribe("ta/none", MqttQoS.AT_MOST_ONCE);
            for (int i = 0; i < 3; i++) {
                pub.publish("ta/none", "n" + i, MqttQoS.AT_MOST_ONCE, false);
                MqttPublishMessage p = Raw5.expectPublish(sub);
                assertThat(p.variableHeader().topicName()).isEqualTo("ta/none");
                assertThat(Raw5.intProp(p.variableHeader().properties(), TOPIC_ALIAS)).isNull();
            }
        }
    }

    // [MQTT-3.3.2-8]: Topic Alias 0 is not permitted -> DISCONNECT 0x94 Topic Alias invalid (4.13).
    @Test
    void topicAliasZeroIsRejectedWith0x94() {
        try (RawMqttClient pub = Raw5.connect(broker, "ta-zero")) {
            pub.publish("ta/x", bytes("bad"), MqttQoS.AT_MOST_ONCE, false, false, 0, Raw5.props(TOPIC_ALIAS, 0));
            Raw5.expectDisconnect(pub, 0x94);
        }
    }

    // [MQTT-3.2.2-18]/[MQTT-3.3.2-9]: an alias greater than the broker's Topic Alias Maximum (64) -> DISCONNECT 0x94.
    @Test
    void topicAliasAboveMaximumIsRejectedWith0x94() {
        try (RawMqttClient pub = Raw5.connect(broker, "ta-over")) {
            pub.publish("ta/x", bytes("bad"), MqttQoS.AT_MOST_ONCE, false, false, 0, Raw5.props(TOPIC_ALIAS, 65));
            Raw5.expectDisconnect(pub, 0x94);
        }
    }

    // Other clients are unaffected by one client's alias error (docs/mqtt-conformance.md "Choices the spec leaves open" "Other clients never affected").
    @Test
    void aliasErrorDoesNotAffectOtherClients() throws Exception {
        try (PahoV5Client sub = new PahoV5Client(broker, "ta-iso-sub");
             RawMqttClient bad = Raw5.connect(broker, "ta-iso-bad")) {
            sub.connect();
            sub.subscribe("ta/iso", 1);
            bad.publish("ta/iso", bytes("bad"), MqttQoS.AT_MOST_ONCE, false, false, 0, Raw5.props(TOPIC_ALIAS, 0));
            Raw5.expectDisconnect(bad, 0x94);
            try (PahoV5Client pub = new PahoV5Client(broker, "ta-iso-pub")) {
                pub.connect();
                pub.publish("ta/iso", "fine", 1, false);
            }
            PahoV5Client.Received r = sub.expectMessage();
            assertThat(r.payload()).isEqualTo("fine");
            sub.expectNoMessage(Duration.ofMillis(300));
        }
    }
}
