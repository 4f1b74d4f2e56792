package io.fleetmq.broker.it.v3;

import io.fleetmq.broker.testing.BrokerExtension;
import io.fleetmq.broker.testing.RawMqttClient;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static io.fleetmq.broker.it.v3.PahoV3Client.V311;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shared subscriptions ({@code $share/group/filter}) used from MQTT 3.1.1 clients: round-robin between members,
 * redelivery of a departed member's unacknowledged messages to a remaining member, no retained messages on a shared
 * subscribe.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PahoV3SharedSubscriptionTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.withDefaults();

    @Test
    void sharedSubscriptionDeliversEachMessageToExactlyOneMemberRoundRobin() throws Exception {
        String root = broker.uniqueTopic("sh/rr");
        String group = broker.uniqueId("g");
        try (PahoV3Client a = PahoV3Client.connect(broker, broker.uniqueId("a"), V311, true);
             PahoV3Client b = PahoV3Client.connect(broker, broker.uniqueId("b"), V311, true);
             PahoV3Client pub = PahoV3Client.connect(broker, broker.uniqueId("p"), V311, true)) {
            a.subscribe("$share/" + group + "/" + root + "/#", 1);
            b.subscribe("$share/" + group + "/" + root + "/#", 1);
            for (int i = 0; i < 10; i++) {
                pub.publish(root + "/x", "m" + i, 1, false);
            }
            List<String> gotA = a.drain(Duration.ofMillis(600)).stream().map(PahoV3Client.Received::payload).toList();
            List<String> gotB = b.drain(Duration.ofMillis(200)).stream().map(PahoV3Client.Received::payload).toList();

            List<String> all = new ArrayList<>(gotA);
            all.addAll(gotB);
            assertThat(all).as("each message to exactly one member")
                    .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 10).mapToObj(i -> "m" + i).toList());
            assertThat(gotA).as("round-robin over two connected members").hasSize(5);
            assertThat(gotB).as("round-robin over two connected members").hasSize(5);
        }
    }

    @Test
    void sharedMessagesLeftUnacknowledgedByADisconnectedMemberAreRedeliveredToARemainingMember() throws Exception {
        String root = broker.uniqueTopic("sh/redeliver");
        String filter = "$share/g" + broker.nextSequence() + "/" + root + "/#";
        try (RawMqttClient lazy = RawMqttClient.open(broker);
             PahoV3Client good = PahoV3Client.connect(broker, broker.uniqueId("good"), V311, true);
             PahoV3Client pub = PahoV3Client.connect(broker, broker.uniqueId("p"), V311, true)) {
            lazy.connect(broker.uniqueId("lazy"), MqttVersion.MQTT_3_1_1, true, 60, null);
            MqttSubAckMessage subAck = lazy.subscribe(filter, MqttQoS.AT_LEAST_ONCE);
            assertThat(subAck.payload().grantedQoSLevels()).containsExactly(1);
            good.subscribe(filter, 1);

            for (int i = 0; i < 6; i++) {
                pub.publish(root + "/x", "m" + i, 1, false);
            }
            // the lazy member receives its share but never PUBACKs
            List<String> lazyGot = new ArrayList<>();
            MqttPublishMessage p;
            while ((p = (MqttPublishMessage) lazy.receive(Duration.ofMillis(500))) != null) {
                assertThat(p.fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBLISH);
                lazyGot.add(RawMqttClient.payloadAsString(p));
            }
            assertThat(lazyGot).as("lazy member got a share of the messages").isNotEmpty();

            lazy.dropConnection();

            Set<String> goodGot = new HashSet<>();
            List<String> goodAll = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (goodGot.size() < 6 && System.nanoTime() < deadline) {
                PahoV3Client.Received r = good.poll(Duration.ofMillis(200));
                if (r != null) {
                    goodGot.add(r.payload());
                    goodAll.add(r.payload());
                }
            }
            goodAll.addAll(good.drain(Duration.ofMillis(300)).stream().map(PahoV3Client.Received::payload).toList());
            assertThat(goodGot).as("remaining member ends up with every message, including the lazy member's %s", lazyGot)
                    .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 6).mapToObj(i -> "m" + i).toList());
            assertThat(goodAll).as("each message delivered to the remaining member once").doesNotHaveDuplicates();
        }
    }

    @Test
    void retainedMessagesAreNotSentOnASharedSubscribe() throws Exception {
        String t = broker.uniqueTopic("sh/retained");
        try (PahoV3Client pub = PahoV3Client.connect(broker, broker.uniqueId("p"), V311, true)) {
            pub.publish(t, "retained", 1, true);
        }
        try (PahoV3Client shared = PahoV3Client.connect(broker, broker.uniqueId("s"), V311, true);
             PahoV3Client plain = PahoV3Client.connect(broker, broker.uniqueId("n"), V311, true)) {
            shared.subscribe("$share/g" + broker.nextSequence() + "/" + t, 1);
            plain.subscribe(t, 1);
            assertThat(plain.next(WAIT).payload()).as("control: a normal subscribe gets it").isEqualTo("retained");
            assertThat(shared.drain(Duration.ofMillis(500))).isEmpty();
        }
        try (PahoV3Client cleanup = PahoV3Client.connect(broker, broker.uniqueId("c"), V311, true)) {
            cleanup.publish(t, "", 1, true);
        }
    }

    @Test
    void sharedAndNonSharedSubscriptionsOfTheSameFilterBothReceive() throws Exception {
        String t = broker.uniqueTopic("sh/mixed");
        try (PahoV3Client shared = PahoV3Client.connect(broker, broker.uniqueId("s"), V311, true);
             PahoV3Client plain = PahoV3Client.connect(broker, broker.uniqueId("n"), V311, true);
             PahoV3Client pub = PahoV3Client.connect(broker, broker.uniqueId("p"), V311, true)) {
            shared.subscribe("$share/g" + broker.nextSequence() + "/" + t, 1);
            plain.subscribe(t, 1);
            pub.publish(t, "both", 1, false);
            assertThat(shared.next(WAIT).payload()).isEqualTo("both");
            assertThat(plain.next(WAIT).payload()).isEqualTo("both");
        }
    }
}
