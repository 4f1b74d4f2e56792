package io.fleetmq.broker.it.v5;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import io.fleetmq.broker.testing.RawMqttClient;
import io.fleetmq.broker.testing.TestBroker;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.fleetmq.broker.it.v5.HiveV5.bytes;
import static io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType.REASON_STRING;
import static io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType.REQUEST_PROBLEM_INFORMATION;
import static io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType.SHARED_SUBSCRIPTION_AVAILABLE;
import static io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType.SUBSCRIPTION_IDENTIFIER;
import static io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType.SUBSCRIPTION_IDENTIFIER_AVAILABLE;
import static io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType.WILDCARD_SUBSCRIPTION_AVAILABLE;
import static org.assertj.core.api.Assertions.assertThat;

/** Reason codes on PUBACK/PUBREC (3.4.2.1, 3.5.2.1) and SUBACK (3.9.3), and reason strings (3.1.2.11.7). */
class AckReasonCodesTest {

    // 3.4.2.1: PUBACK 0x10 No matching subscribers when nobody matched, 0x00 Success otherwise (HiveMQ).
    @Test
    void pubackIs0x10WithoutSubscribersAnd0x00WithSubscriber() {
        try (TestBroker broker = TestBroker.start()) {
            Mqtt5BlockingClient pub = HiveV5.connected(broker, "rc-pub");
            Mqtt5PublishResult none = pub.publishWith().topic("rc/nobody").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(bytes("x")).send();
            assertThat(((Mqtt5PublishResult.Mqtt5Qos1Result) none).getPubAck().getReasonCode())
                    .isEqualTo(Mqtt5PubAckReasonCode.NO_MATCHING_SUBSCRIBERS);

            Mqtt5BlockingClient sub = HiveV5.connected(broker, "rc-sub");
            sub.subscribeWith().topicFilter("rc/somebody").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt5PublishResult some = pub.publishWith().topic("rc/somebody").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(bytes("x")).send();
            assertThat(((Mqtt5PublishResult.Mqtt5Qos1Result) some).getPubAck().getReasonCode())
                    .isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
            sub.disconnect();
            pub.disconnect();
        }
    }

    // 3.5.2.1: PUBREC 0x10 No matching subscribers for a QoS 2 publish nobody matched (raw, exact byte).
    @Test
    void pubrecIs0x10WithoutSubscribers() {
        try (TestBroker broker = TestBroker.start();
             RawMqttClient pub = Raw5.connect(broker, "rc-q2")) {
            int id = pub.publish("rc/nobody2", "x", MqttQoS.EXACTLY_ONCE, false);
            MqttMessage pubrec = pub.awaitPacket(MqttMessageType.PUBREC, id, Raw5.WAIT);
            assertThat(((MqttPubReplyMessageVariableHeader) pubrec.variableHeader()).reasonCode() & 0xFF)
                    .isEqualTo(0x10);
            pub.pubrel(id);
            pub.awaitPacket(MqttMessageType.PUBCOMP, id, Raw5.WAIT);
        }
    }

    // 3.9.3 / [MQTT-3.9.3-1] (one reason code per filter, in order): granted QoS 0/1/2 and 0x8F Topic Filter invalid
    // for a malformed filter in the same SUBSCRIBE.
    @Test
    void subackGrantsQosPerFilterAndRejectsInvalidFilterWith0x8F() {
        try (TestBroker broker = TestBroker.start();
             RawMqttClient c = Raw5.connect(broker, "rc-suback")) {
            int id = c.nextPacketId();
            c.send(MqttMessageBuilders.subscribe().messageId(id)
                    .addSubscription("rc/q0", MqttSubscriptionOption.onlyFromQos(MqttQoS.AT_MOST_ONCE))
                    .addSubscription("rc/q1", MqttSubscriptionOption.onlyFromQos(MqttQoS.AT_LEAST_ONCE))
                    .addSubscription("rc/#/bad", MqttSubscriptionOption.onlyFromQos(MqttQoS.AT_LEAST_ONCE))
                    .addSubscription("rc/q2", MqttSubscriptionOption.onlyFromQos(MqttQoS.EXACTLY_ONCE))
                    .build());
            MqttSubAckMessage ack = c.awaitPacket(MqttMessageType.SUBACK, id, Raw5.WAIT);
            assertThat(ack.payload().reasonCodes()).containsExactly(0x00, 0x01, 0x8F, 0x02);
            assertReasonStringIfPresentIsText(Raw5.subAckProperties(ack));
            assertThat(c.isOpen()).isTrue();
        }
    }

    // 3.9.3: with mqtt.maxQos = 1 a QoS 2 request is granted QoS 1 (HiveMQ sees CONNACK Maximum QoS 1 too, 3.2.2.3.4).
    @Test
    void subackGrantsAtMostBrokerMaximumQos() {
        try (TestBroker broker = TestBroker.start(c -> c.withMqtt(MqttConfigs.maxQos(c.mqtt(), 1)));
             RawMqttClient c = Raw5.connect(broker, "rc-maxqos")) {
            MqttSubAckMessage ack = c.subscribe("rc/max", MqttQoS.EXACTLY_ONCE);
            assertThat(ack.payload().reasonCodes()).containsExactly(0x01);

            Mqtt5BlockingClient hive = HiveV5.client(broker, "rc-maxqos-hive");
            Mqtt5ConnAck connAck = hive.connect();
            assertThat(connAck.getRestrictions().getMaximumQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
            hive.disconnect();
        }
    }

    // 3.2.2.3.12 + 3.9.3: shared subscriptions disabled -> CONNACK Shared Subscription Available = 0 and SUBACK 0x9E.
    @Test
    void sharedSubscriptionsDisabledGives0x9E() {
        try (TestBroker broker = TestBroker.start(c -> c.withMqtt(MqttConfigs.features(c.mqtt(), true, false, true)));
             RawMqttClient c = RawMqttClient.open(broker)) {
            MqttConnAckMessage connAck = c.connect("rc-noshare", MqttVersion.MQTT_5, true, 60, null);
            assertThat(Raw5.intProp(connAck.variableHeader().properties(), SHARED_SUBSCRIPTION_AVAILABLE)).isEqualTo(0);
            MqttSubAckMessage ack = c.subscribe("$share/g/rc/s", MqttQoS.AT_LEAST_ONCE);
            assertThat(ack.payload().reasonCodes()).containsExactly(0x9E);
            assertReasonStringIfPresentIsText(Raw5.subAckProperties(ack));
        }
    }

    // 3.2.2.3.11 + 3.9.3: subscription identifiers disabled -> CONNACK Subscription Identifiers Available = 0 and a
    // SUBSCRIBE carrying one gets SUBACK 0xA1 (FleetMQ answers with SUBACK, docs/mqtt-conformance.md "Choices the spec leaves open").
    @Test
    void subscriptionIdentifiersDisabledGives0xA1() {
        try (TestBroker broker = TestBroker.start(c -> c.withMqtt(MqttConfigs.features(c.mqtt(), true, true, false)));
             RawMqttClient c = RawMqttClient.open(broker)) {
            MqttConnAckMessage connAck = c.connect("rc-nosid", MqttVersion.MQTT_5, true, 60, null);
            assertThat(Raw5.intProp(connAck.variableHeader().properties(), SUBSCRIPTION_IDENTIFIER_AVAILABLE))
                    .isEqualTo(0);
            MqttSubAckMessage ack = c.subscribe("rc/sid", MqttSubscriptionOption.onlyFromQos(MqttQoS.AT_LEAST_ONCE),
                    Raw5.props(SUBSCRIPTION_IDENTIFIER, 5));
            assertThat(ack.payload().reasonCodes()).containsExactly(0xA1);
        }
    }

    // 3.2.2.3.10 + 3.9.3: wildcard subscriptions disabled -> CONNACK Wildcard Subscription Available = 0 and SUBACK
    // 0xA2 for '+' and '#' filters while a plain filter is still granted.
    @Test
    void wildcardSubscriptionsDisabledGives0xA2() {
        try (TestBroker broker = TestBroker.start(c -> c.withMqtt(MqttConfigs.features(c.mqtt(), false, true, true)));
             RawMqttClient c = RawMqttClient.open(broker)) {
            MqttConnAckMessage connAck = c.connect("rc-nowild", MqttVersion.MQTT_5, true, 60, null);
            assertThat(Raw5.intProp(connAck.variableHeader().properties(), WILDCARD_SUBSCRIPTION_AVAILABLE))
                    .isEqualTo(0);
            int id = c.nextPacketId();
            c.send(MqttMessageBuilders.subscribe().messageId(id)
                    .addSubscription("rc/+", MqttSubscriptionOption.onlyFromQos(MqttQoS.AT_LEAST_ONCE))
                    .addSubscription("rc/#", MqttSubscriptionOption.onlyFromQos(MqttQoS.AT_LEAST_ONCE))
                    .addSubscription("rc/plain", MqttSubscriptionOption.onlyFromQos(MqttQoS.AT_LEAST_ONCE))
                    .build());
            MqttSubAckMessage ack = c.awaitPacket(MqttMessageType.SUBACK, id, Raw5.WAIT);
            assertThat(ack.payload().reasonCodes()).containsExactly(0xA2, 0xA2, 0x01);
        }
    }

    // [MQTT-3.1.2-29]: with Request Problem Information = 0 the server must not send a Reason String on packets
    // other than PUBLISH, CONNACK and DISCONNECT — here a SUBACK with a failure code.
    @Test
    void noReasonStringOnSubackWhenProblemInformationNotRequested() {
        try (TestBroker broker = TestBroker.start();
             RawMqttClient c = Raw5.connect(broker, "rc-noproblem", true, Raw5.props(REQUEST_PROBLEM_INFORMATION, 0))) {
            MqttSubAckMessage ack = c.subscribe("rc/#/bad", MqttQoS.AT_LEAST_ONCE);
            assertThat(ack.payload().reasonCodes()).containsExactly(0x8F);
            assertThat(Raw5.stringProp(Raw5.subAckProperties(ack), REASON_STRING)).isNull();
        }
    }

    /** 3.9.2.1.2 / 1.5.4: a Reason String, where the broker sends one, is human-readable UTF-8 text. */
    static void assertReasonStringIfPresentIsText(MqttProperties props) {
        String reason = Raw5.stringProp(props, REASON_STRING);
        if (reason != null) {
            assertThat(reason).isNotBlank();
        }
    }

    static List<Integer> codes(MqttSubAckMessage ack) {
        return ack.payload().reasonCodes();
    }
}
