package io.fleetmq.broker.it.v3;

import io.fleetmq.broker.testing.BrokerExtension;
import io.fleetmq.broker.testing.RawMqttClient;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Publish/subscribe behaviour seen by Eclipse Paho mqttv3 clients speaking MQTT 3.1 (MQIsdp, level 3) and 3.1.1
 * (level 4): QoS levels, wildcards, overlapping subscriptions, unsubscribe.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PahoV3PubSubTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration QUIET = Duration.ofMillis(400);

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.withDefaults();

    @ParameterizedTest(name = "mqtt version {0}, QoS {1}")
    @MethodSource(PahoV3Client.VERSIONS_AND_QOS)
    void messagePublishedAtQosIsDeliveredOnceAtThatQos(int version, int qos) throws Exception {
        String t = broker.uniqueTopic("ps/qos");
        try (PahoV3Client sub = PahoV3Client.connect(broker, broker.uniqueId("s"), version, true);
             PahoV3Client pub = PahoV3Client.connect(broker, broker.uniqueId("p"), version, true)) {
            sub.subscribe(t, 2);
            pub.publish(t, "hello-" + qos, qos, false);

            PahoV3Client.Received r = sub.next(WAIT);
            assertThat(r.topic()).isEqualTo(t);
            assertThat(r.payload()).isEqualTo("hello-" + qos);
            assertThat(r.qos()).isEqualTo(qos);
            assertThat(r.retained()).isFalse();
            assertThat(sub.drain(QUIET)).as("exactly one copy").isEmpty();
        }
    }

    @ParameterizedTest(name = "mqtt version {0}")
    @MethodSource(PahoV3Client.VERSIONS)
    void deliveredQosIsDowngradedToTheSubscriptionQos(int version) throws Exception {
        String t = broker.uniqueTopic("ps/downgrade");
        try (PahoV3Client sub0 = PahoV3Client.connect(broker, broker.uniqueId("s"), version, true);
             PahoV3Client sub1 = PahoV3Client.connect(broker, broker.uniqueId("s"), version, true);
             PahoV3Client pub = PahoV3Client.connect(broker, broker.uniqueId("p"), version, true)) {
            sub0.subscribe(t, 0);
            sub1.subscribe(t, 1);
            pub.publish(t, "m", 2, false);

            assertThat(sub0.next(WAIT).qos()).isEqualTo(0);
            assertThat(sub1.next(WAIT).qos()).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "mqtt version {0}")
    @MethodSource(PahoV3Client.VERSIONS)
    void singleLevelWildcardMatchesExactlyOneLevel(int version) throws Exception {
        String root = broker.uniqueTopic("ps/plus");
        try (PahoV3Client sub = PahoV3Client.connect(broker, broker.uniqueId("s"), version, true);
             PahoV3Client pub = PahoV3Client.connect(broker, broker.uniqueId("p"), version, true)) {
            sub.subscribe(root + "/+/temp", 1);
            pub.publish(root + "/a/temp", "yes-1", 1, false);
            pub.publish(root + "/a/b/temp", "no-1", 1, false);
            pub.publish(root + "/temp", "no-2", 1, false);
            pub.publish(root + "//temp", "yes-2", 1, false);
            pub.publish(root + "/b/temp", "yes-3", 1, false);

            List<String> got = sub.drain(QUIET).stream().map(PahoV3Client.Received::payload).toList();
            assertThat(got).containsExactly("yes-1", "yes-2", "yes-3");
        }
    }

    @ParameterizedTest(name = "mqtt version {0}")
    @MethodSource(PahoV3Client.VERSIONS)
    void multiLevelWildcardMatchesParentAndAllDescendants(int version) throws Exception {
        String root = broker.uniqueTopic("ps/hash");
        try (PahoV3Client sub = PahoV3Client.connect(broker, broker.uniqueId("s"), version, true);
             PahoV3Client pub = PahoV3Client.connect(broker, broker.uniqueId("p"), version, true)) {
            sub.subscribe(root + "/#", 1);
            pub.publish(root, "parent", 1, false);
            pub.publish(root + "/a", "child", 1, false);
            pub.publish(root + "/a/b/c", "grandchild", 1, false);
            pub.publish(root + "x/a", "sibling-prefix", 1, false);

            List<String> got = sub.drain(QUIET).stream().map(PahoV3Client.Received::payload).toList();
            assertThat(got).containsExactly("parent", "child", "grandchild");
        }
    }

    @ParameterizedTest(name = "mqtt version {0}")
    @MethodSource(PahoV3Client.VERSIONS)
    void overlappingSubscriptionsDeliverOneCopyAtTheHighestGrantedQos(int version) throws Exception {
        String root = broker.uniqueTopic("ps/overlap");
        try (PahoV3Client sub = PahoV3Client.connect(broker, broker.uniqueId("s"), version, true);
             PahoV3Client pub = PahoV3Client.connect(broker, broker.uniqueId("p"), version, true)) {
            sub.subscribe(root + "/#", 0);
            sub.subscribe(root + "/+", 1);
            sub.subscribe(root + "/x", 0);
            pub.publish(root + "/x", "once", 2, false);

            List<PahoV3Client.Received> got = sub.drain(QUIET);
            assertThat(got).hasSize(1);
            assertThat(got.get(0).payload()).isEqualTo("once");
            assertThat(got.get(0).qos()).as("highest granted QoS among matching subscriptions").isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "mqtt version {0}")
    @MethodSource(PahoV3Client.VERSIONS)
    void unsubscribeStopsDelivery(int version) throws Exception {
        String t = broker.uniqueTopic("ps/unsub");
        try (PahoV3Client sub = PahoV3Client.connect(broker, broker.uniqueId("s"), version, true);
             PahoV3Client pub = PahoV3Client.connect(broker, broker.uniqueId("p"), version, true)) {
            sub.subscribe(t, 1);
            pub.publish(t, "before", 1, false);
            assertThat(sub.next(WAIT).payload()).isEqualTo("before");

            sub.client.unsubscribe(t);
            pub.publish(t, "after", 1, false);
            assertThat(sub.drain(Duration.ofMillis(600))).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = MqttVersion.class,
            names = {"MQTT_3_1", "MQTT_3_1_1"})
    void unsubackCarriesOnlyThePacketIdentifier(MqttVersion version) {
        String t = broker.uniqueTopic("ps/unsuback");
        try (RawMqttClient c = RawMqttClient.open(broker)) {
            c.connect(broker.uniqueId("u"), version, true, 60, null);
            c.subscribe(t, MqttQoS.AT_LEAST_ONCE);
            int packetId = c.nextPacketId();
            c.send(MqttMessageBuilders.unsubscribe().messageId(packetId)
                    .addTopicFilter(t).build());
            MqttMessage m = c.receive(WAIT);
            assertThat(m).as("UNSUBACK").isNotNull();
            assertThat(m.decoderResult().isSuccess())
                    .as("v3 UNSUBACK must decode as a v3 packet: %s", RawMqttClient.describe(m))
                    .isTrue();
            assertThat(m.fixedHeader().messageType()).isEqualTo(MqttMessageType.UNSUBACK);
            assertThat(m.fixedHeader().remainingLength())
                    .as("[MQTT-3.11.1] v3.1.1 UNSUBACK remaining length is 2 (packet id only, no reason codes)")
                    .isEqualTo(2);
            c.disconnect();
        }
    }
}
