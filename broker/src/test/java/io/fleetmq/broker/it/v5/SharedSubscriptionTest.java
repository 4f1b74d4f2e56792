package io.fleetmq.broker.it.v5;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.fleetmq.broker.testing.BrokerExtension;
import io.fleetmq.broker.testing.RawMqttClient;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static io.fleetmq.broker.it.v5.HiveV5.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/** Shared subscriptions $share/{group}/{filter} (MQTT 5.0 section 4.8.2). */
class SharedSubscriptionTest {
    @RegisterExtension
    final BrokerExtension broker = BrokerExtension.withDefaults();

    // 4.8.2: each message matching a shared subscription goes to exactly one member of the group; FleetMQ
    // distributes round-robin over connected members (docs/mqtt-conformance.md "Choices the spec leaves open"), so 10 messages over 2 members -> 5 each.
    @Test
    void sharedSubscriptionDeliversEachMessageToOneMemberRoundRobin() throws Exception {
        Mqtt5BlockingClient hive = HiveV5.client(broker, "sh-hive");
        try (PahoV5Client paho = new PahoV5Client(broker, "sh-paho");
             Mqtt5BlockingClient.Mqtt5Publishes hiveIn = HiveV5.publishes(hive);
             PahoV5Client pub = new PahoV5Client(broker, "sh-pub")) {
            hive.connect();
            hive.subscribeWith().topicFilter("$share/g/sh/rr").qos(MqttQos.AT_LEAST_ONCE).send();
            paho.connect();
            paho.subscribe("$share/g/sh/rr", 1);

            pub.connect();
            for (int i = 0; i < 10; i++) {
                pub.publish("sh/rr", "m" + i, 1, false);
            }
            List<String> toPaho = new ArrayList<>();
            paho.drain(Duration.ofMillis(1_500)).forEach(r -> {
                assertThat(r.topic()).isEqualTo("sh/rr");
                toPaho.add(r.payload());
            });
            List<String> toHive = new ArrayList<>();
            Optional<Mqtt5Publish> p;
            while ((p = hiveIn.receive(200, TimeUnit.MILLISECONDS)).isPresent()) {
                toHive.add(HiveV5.payload(p.get()));
            }
            List<String> all = new ArrayList<>(toPaho);
            all.addAll(toHive);
            assertThat(all).as("every message exactly once across the group")
                    .containsExactlyInAnyOrder("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9");
            assertThat(toPaho).as("round robin share (paho)").hasSize(5);
            assertThat(toHive).as("round robin share (hive)").hasSize(5);
        } finally {
            HiveV5.quietDisconnect(hive);
        }
    }

    // 4.8.2: a shared subscription and a normal subscription of the same client-independent filter each get a copy:
    // the group gets one, the non-shared subscriber gets one.
    @Test
    void sharedGroupAndNormalSubscriberEachGetACopy() throws Exception {
        try (PahoV5Client a = new PahoV5Client(broker, "sh-a");
             PahoV5Client b = new PahoV5Client(broker, "sh-b");
             PahoV5Client normal = new PahoV5Client(broker, "sh-normal");
             PahoV5Client pub = new PahoV5Client(broker, "sh-pub2")) {
            a.connect();
            a.subscribe("$share/grp/sh/both", 1);
            b.connect();
            b.subscribe("$share/grp/sh/both", 1);
            normal.connect();
            normal.subscribe("sh/both", 1);
            pub.connect();
            pub.publish("sh/both", "one", 1, false);

            assertThat(normal.expectMessage().payload()).isEqualTo("one");
            int groupCopies = a.drain(Duration.ofMillis(700)).size() + b.drain(Duration.ofMillis(100)).size();
            assertThat(groupCopies).isEqualTo(1);
        }
    }

    // 4.8.2 ("If the Client's Session terminates before the Client reconnects, the Server SHOULD send the
    // Application Message to another Client that is subscribed to the same Shared Subscription") and docs/mqtt-conformance.md "Choices the spec leaves open":
    // a raw member that never PUBACKs its QoS 1 message disconnects (session expiry 0 -> session ends); the message
    // is re-sent to the other member.
    @Test
    void unackedSharedMessageIsRedeliveredToAnotherMemberWhenHolderDisconnects() throws Exception {
        Mqtt5BlockingClient other = HiveV5.client(broker, "sh-other");
        try (RawMqttClient holder = Raw5.connect(broker, "sh-holder");
             Mqtt5BlockingClient.Mqtt5Publishes otherIn = HiveV5.publishes(other)) {
            holder.subscribe("$share/g/sh/redeliver", MqttQoS.AT_LEAST_ONCE);
            other.connect();
            other.subscribeWith().topicFilter("$share/g/sh/redeliver").qos(MqttQos.AT_LEAST_ONCE).send();

            Mqtt5BlockingClient pub = HiveV5.connected(broker, "sh-pub3");
            pub.publishWith().topic("sh/redeliver").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("r1")).send();
            pub.publishWith().topic("sh/redeliver").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("r2")).send();
            pub.disconnect();

            // round robin: the holder gets exactly one of the two and does not acknowledge it
            MqttPublishMessage held = Raw5.expectPublish(holder);
            String heldPayload = RawMqttClient.payloadAsString(held);
            Raw5.expectNoPublish(holder, Duration.ofMillis(300));
            Mqtt5Publish direct = HiveV5.expect(otherIn);
            assertThat(HiveV5.payload(direct)).isNotEqualTo(heldPayload);

            holder.dropConnection();

            Mqtt5Publish redelivered = HiveV5.expect(otherIn);
            assertThat(HiveV5.payload(redelivered)).as("message held unacked by the departed member")
                    .isEqualTo(heldPayload);
            HiveV5.expectNone(otherIn, Duration.ofMillis(500));
        } finally {
            HiveV5.quietDisconnect(other);
        }
    }

    // 4.8.2 / docs/mqtt-conformance.md "Choices the spec leaves open": retained messages are not sent on a shared subscribe.
    @Test
    void retainedMessagesAreNotSentOnSharedSubscribe() throws Exception {
        try (PahoV5Client pub = new PahoV5Client(broker, "sh-ret-pub");
             PahoV5Client member = new PahoV5Client(broker, "sh-ret-member")) {
            pub.connect();
            pub.publish("sh/retained", "kept", 1, true);
            member.connect();
            member.subscribe("$share/g/sh/retained", 1);
            member.expectNoMessage(Duration.ofMillis(700));
        }
    }
}
