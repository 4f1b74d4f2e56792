package io.fleetmq.broker.it.v5;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.fleetmq.broker.testing.BrokerExtension;
import io.fleetmq.broker.testing.RawMqttClient;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static io.fleetmq.broker.it.v5.HiveV5.bytes;
import static io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType.SUBSCRIPTION_IDENTIFIER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * No Local, Subscription Identifiers and overlapping subscriptions (MQTT 5.0 sections 3.8.3.1, 3.8.2.1.2, 3.3.4).
 */
class SubscriptionOptionsTest {
    @RegisterExtension
    final BrokerExtension broker = BrokerExtension.withDefaults();

    // [MQTT-3.8.3-3]: with No Local = 1 the server must not forward a client's own messages back to it; messages of
    // other clients still arrive.
    @Test
    void noLocalSuppressesOwnMessagesOnly() throws Exception {
        try (PahoV5Client self = new PahoV5Client(broker, "nl-self");
             PahoV5Client other = new PahoV5Client(broker, "nl-other")) {
            self.connect();
            MqttSubscription s = new MqttSubscription("nl/t", 1);
            s.setNoLocal(true);
            self.subscribe(s);
            self.publish("nl/t", "own", 1, false);
            self.expectNoMessage(Duration.ofMillis(700));

            other.connect();
            other.publish("nl/t", "foreign", 1, false);
            assertThat(self.expectMessage().payload()).isEqualTo("foreign");
        }
    }

    // Control for [MQTT-3.8.3-3]: without No Local the client receives its own message.
    @Test
    void withoutNoLocalOwnMessagesAreDelivered() throws Exception {
        Mqtt5BlockingClient c = HiveV5.client(broker, "nl-off");
        try (Mqtt5BlockingClient.Mqtt5Publishes in = HiveV5.publishes(c)) {
            c.connect();
            c.subscribeWith().topicFilter("nl/off").qos(MqttQos.AT_LEAST_ONCE).noLocal(false).send();
            c.publishWith().topic("nl/off").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("own")).send();
            assertThat(HiveV5.payload(HiveV5.expect(in))).isEqualTo("own");
        } finally {
            HiveV5.quietDisconnect(c);
        }
    }

    // [MQTT-3.3.4-3]: the message carries the Subscription Identifier of the matching subscription (Paho, id 7).
    @Test
    void subscriptionIdentifierIsSentWithMatchingMessage() throws Exception {
        try (PahoV5Client sub = new PahoV5Client(broker, "sid-sub");
             PahoV5Client pub = new PahoV5Client(broker, "sid-pub")) {
            sub.connect();
            sub.subscribe(7, new MqttSubscription("sid/one", 1));
            pub.connect();
            pub.publish("sid/one", "x", 1, false);
            PahoV5Client.Received r = sub.expectMessage();
            assertThat(r.message().getProperties().getSubscriptionIdentifiers()).containsExactly(7);
        }
    }

    // [MQTT-3.3.4-2] one copy at the maximum QoS of all matching subscriptions (FleetMQ sends one copy, docs/mqtt-conformance.md "Choices the spec leaves open"),
    // [MQTT-3.3.4-4] that single copy carries the identifiers of all matching subscriptions (order not significant).
    @Test
    void overlappingSubscriptionsDeliverOneCopyWithAllIdentifiersAtMaxQos() {
        try (RawMqttClient sub = Raw5.connect(broker, "ov-sub");
             RawMqttClient pub = Raw5.connect(broker, "ov-pub")) {
            sub.subscribe("ov/#", MqttSubscriptionOption.onlyFromQos(MqttQoS.AT_MOST_ONCE),
                    Raw5.props(SUBSCRIPTION_IDENTIFIER, 1));
            sub.subscribe("ov/+", MqttSubscriptionOption.onlyFromQos(MqttQoS.AT_LEAST_ONCE),
                    Raw5.props(SUBSCRIPTION_IDENTIFIER, 2));
            sub.subscribe("ov/x", MqttSubscriptionOption.onlyFromQos(MqttQoS.AT_MOST_ONCE), null); // no id

            pub.publishAndAwaitAck("ov/x", "both", MqttQoS.EXACTLY_ONCE, false);

            MqttPublishMessage p = Raw5.expectPublish(sub);
            assertThat(RawMqttClient.payloadAsString(p)).isEqualTo("both");
            assertThat(p.fixedHeader().qosLevel()).as("max granted QoS of the matching subscriptions")
                    .isEqualTo(MqttQoS.AT_LEAST_ONCE);
            assertThat(Raw5.subscriptionIds(p)).containsExactlyInAnyOrder(1, 2);
            sub.puback(p.variableHeader().packetId());
            Raw5.expectNoPublish(sub, Duration.ofMillis(700));
        }
    }

    // [MQTT-3.3.4-2] / docs/mqtt-conformance.md "Choices the spec leaves open" with a library client: overlapping "ovh/#" (QoS 0) and "ovh/+" (QoS 2),
    // QoS 1 publish -> exactly one copy at QoS 1 (min of publish QoS and max granted).
    @Test
    void overlappingSubscriptionsDeliverOnceAtHighestGrantedQos() throws Exception {
        Mqtt5BlockingClient sub = HiveV5.client(broker, "ovh-sub");
        try (Mqtt5BlockingClient.Mqtt5Publishes in = HiveV5.publishes(sub)) {
            sub.connect();
            sub.subscribeWith().topicFilter("ovh/#").qos(MqttQos.AT_MOST_ONCE).send();
            sub.subscribeWith().topicFilter("ovh/+").qos(MqttQos.EXACTLY_ONCE).send();
            Mqtt5BlockingClient pub = HiveV5.connected(broker, "ovh-pub");
            pub.publishWith().topic("ovh/a").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("once")).send();
            pub.disconnect();
            Mqtt5Publish p = HiveV5.expect(in);
            assertThat(HiveV5.payload(p)).isEqualTo("once");
            assertThat(p.getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
            HiveV5.expectNone(in, Duration.ofMillis(700));
        } finally {
            HiveV5.quietDisconnect(sub);
        }
    }
}
