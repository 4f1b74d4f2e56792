package io.fleetmq.broker.it.attacks;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.fleetmq.broker.metrics.DropReason;
import io.fleetmq.broker.testing.RawMqttClient;
import io.fleetmq.broker.testing.TestBroker;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attack: any publisher sends one message larger than a v5 subscriber's Maximum Packet Size on a topic the subscriber
 * has not been sent yet. The broker drops it for that subscriber [MQTT-3.1.2-25]; if it registered the topic alias
 * that packet would have set up, every later message on the topic would reach the subscriber as an alias it never
 * learned, a protocol error that makes a conforming client disconnect. Expected: the next message arrives with the
 * full topic name (setting up the alias then), the one after with that alias, and the client stays connected.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TopicAliasOversizeTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void anOversizedMessageDoesNotLeaveAnAliasTheSubscriberNeverLearnedOnTheWire() {
        try (TestBroker broker = TestBroker.start();
             RawMqttClient sub = RawMqttClient.open(broker)) {
            MqttProperties limits = new MqttProperties();
            limits.add(new MqttProperties.IntegerProperty(MqttPropertyType.MAXIMUM_PACKET_SIZE.value(), 300));
            limits.add(new MqttProperties.IntegerProperty(MqttPropertyType.TOPIC_ALIAS_MAXIMUM.value(), 5));
            sub.connect("alias-raw-sub", MqttVersion.MQTT_5, true, 60, limits);
            sub.subscribe("alias/t", MqttQoS.AT_LEAST_ONCE);

            Mqtt5BlockingClient pub = connected(broker, "alias-raw-pub");
            String topic = "alias/t";
            Integer established = null;
            for (MqttQos qos : new MqttQos[] {MqttQos.AT_MOST_ONCE, MqttQos.AT_LEAST_ONCE}) {
                pub.publishWith().topic(topic).qos(qos).payload(bytes("x".repeat(1000))).send();
                pub.publishWith().topic(topic).qos(qos).payload(bytes("small-1")).send();
                pub.publishWith().topic(topic).qos(qos).payload(bytes("small-2")).send();

                MqttPublishMessage first = awaitPublish(sub);
                MqttPublishMessage second = awaitPublish(sub);
                assertThat(RawMqttClient.payloadAsString(first)).isEqualTo("small-1");
                assertThat(RawMqttClient.payloadAsString(second)).isEqualTo("small-2");
                if (established == null) {
                    // Round one: the oversized message was dropped, so the first message that reaches the client
                    // names the topic, and sets up the alias there [MQTT-3.3.2-12].
                    assertThat(first.variableHeader().topicName()).isEqualTo(topic);
                    established = alias(first);
                    assertThat(established).as("alias set up with the full topic name").isNotNull();
                } else {
                    // Round two: the alias is known to the client now; another oversized message changes nothing.
                    assertThat(first.variableHeader().topicName()).isEmpty();
                    assertThat(alias(first)).isEqualTo(established);
                }
                assertThat(second.variableHeader().topicName()).as("later messages use the alias").isEmpty();
                assertThat(alias(second)).isEqualTo(established);
                ackIfNeeded(sub, first);
                ackIfNeeded(sub, second);
            }
            assertThat(broker.broker().stats().messagesDropped(DropReason.TOO_LARGE)).isEqualTo(2);
            assertThat(sub.isOpen()).isTrue();
            pub.disconnect();
        }
    }

    @Test
    void aConformingHiveMqClientKeepsReceivingAfterAnOversizedMessageOnItsTopic() throws Exception {
        try (TestBroker broker = TestBroker.start()) {
            BlockingQueue<Throwable> disconnects = new LinkedBlockingQueue<>();
            Mqtt5BlockingClient sub = Mqtt5Client.builder().identifier("alias-hive-sub").serverHost(broker.host())
                    .serverPort(broker.port()).addDisconnectedListener(ctx -> disconnects.add(ctx.getCause()))
                    .buildBlocking();
            try (Mqtt5BlockingClient.Mqtt5Publishes in = sub.publishes(
                    com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL)) {
                sub.connectWith().restrictions().maximumPacketSize(300).topicAliasMaximum(5).applyRestrictions()
                        .send();
                sub.subscribeWith().topicFilter("alias/h").qos(MqttQos.AT_LEAST_ONCE).send();

                Mqtt5BlockingClient pub = connected(broker, "alias-hive-pub");
                pub.publishWith().topic("alias/h").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("y".repeat(1000))).send();
                for (int i = 0; i < 3; i++) {
                    pub.publishWith().topic("alias/h").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("m" + i)).send();
                }
                for (int i = 0; i < 3; i++) {
                    Optional<Mqtt5Publish> p = in.receive(5, TimeUnit.SECONDS);
                    assertThat(p).as("message m%d", i).isPresent();
                    assertThat(p.get().getTopic().toString()).isEqualTo("alias/h");
                    assertThat(new String(p.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("m" + i);
                }
                assertThat(disconnects).as("the subscriber saw no protocol error").isEmpty();
                assertThat(sub.getState().isConnected()).isTrue();
                pub.disconnect();
                sub.disconnect();
            }
        }
    }

    private static Mqtt5BlockingClient connected(TestBroker broker, String clientId) {
        Mqtt5BlockingClient c = Mqtt5Client.builder().identifier(clientId).serverHost(broker.host())
                .serverPort(broker.port()).buildBlocking();
        c.connect();
        return c;
    }

    private static MqttPublishMessage awaitPublish(RawMqttClient c) {
        return c.awaitPacket(MqttMessageType.PUBLISH, -1, WAIT);
    }

    private static Integer alias(MqttPublishMessage p) {
        MqttProperties.MqttProperty<?> a = p.variableHeader().properties()
                .getProperty(MqttPropertyType.TOPIC_ALIAS.value());
        return a == null ? null : (Integer) a.value();
    }

    private static void ackIfNeeded(RawMqttClient c, MqttPublishMessage p) {
        if (p.fixedHeader().qosLevel().value() > 0) {
            c.ackFully(p);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
