package io.fleetmq.broker.it.v3;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAck;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAck;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import io.fleetmq.broker.testing.BrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Core MQTT 3.1.1 flows driven by the HiveMQ MQTT Client (Mqtt3 blocking API), a second independent client stack. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HiveMqClientV3Test {

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.withDefaults();

    private static Mqtt3BlockingClient client(String prefix) {
        return MqttClient.builder().useMqttVersion3()
                .identifier(broker.uniqueId(prefix))
                .serverHost(broker.host())
                .serverPort(broker.port())
                .buildBlocking();
    }

    /** Disconnect in finally blocks without masking the test's own failure when the client is already gone. */
    private static void quietDisconnect(Mqtt3BlockingClient c) {
        if (c.getState().isConnected()) {
            c.disconnect();
        }
    }

    @Test
    void connectIsAcceptedWithoutSessionPresent() {
        Mqtt3BlockingClient c = client("c");
        Mqtt3ConnAck ack = c.connectWith().cleanSession(true).keepAlive(30).send();
        try {
            assertThat(ack.getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.SUCCESS);
            assertThat(ack.isSessionPresent()).isFalse();
        } finally {
            quietDisconnect(c);
        }
    }

    @ParameterizedTest
    @EnumSource(MqttQos.class)
    void publishAndSubscribeAtEachQos(MqttQos qos) throws Exception {
        String t = broker.uniqueTopic("hv/qos" + qos.getCode());
        Mqtt3BlockingClient sub = client("s");
        Mqtt3BlockingClient pub = client("p");
        sub.connect();
        pub.connect();
        try (Mqtt3BlockingClient.Mqtt3Publishes publishes = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            Mqtt3SubAck subAck = sub.subscribeWith().topicFilter(t).qos(MqttQos.EXACTLY_ONCE).send();
            assertThat(subAck.getReturnCodes()).containsExactly(Mqtt3SubAckReturnCode.SUCCESS_MAXIMUM_QOS_2);

            pub.publishWith().topic(t).qos(qos).payload(("hivemq-" + qos).getBytes(StandardCharsets.UTF_8)).send();

            Optional<Mqtt3Publish> m = publishes.receive(5, TimeUnit.SECONDS);
            assertThat(m).isPresent();
            assertThat(m.get().getTopic().toString()).isEqualTo(t);
            assertThat(new String(m.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("hivemq-" + qos);
            assertThat(m.get().getQos()).isEqualTo(qos);
            assertThat(m.get().isRetain()).isFalse();
            assertThat(publishes.receive(400, TimeUnit.MILLISECONDS)).as("exactly one copy").isEmpty();
        } finally {
            quietDisconnect(sub);
            quietDisconnect(pub);
        }
    }

    @Test
    void retainedMessageReachesALaterSubscriberAndCanBeCleared() throws Exception {
        String t = broker.uniqueTopic("hv/retained");
        Mqtt3BlockingClient pub = client("p");
        pub.connect();
        pub.publishWith().topic(t).qos(MqttQos.AT_LEAST_ONCE).retain(true)
                .payload("last-known".getBytes(StandardCharsets.UTF_8)).send();

        Mqtt3BlockingClient sub = client("s");
        sub.connect();
        try (Mqtt3BlockingClient.Mqtt3Publishes publishes = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter(t).qos(MqttQos.AT_LEAST_ONCE).send();
            Optional<Mqtt3Publish> m = publishes.receive(5, TimeUnit.SECONDS);
            assertThat(m).isPresent();
            assertThat(m.get().isRetain()).isTrue();
            assertThat(new String(m.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("last-known");
        } finally {
            quietDisconnect(sub);
        }

        pub.publishWith().topic(t).qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(new byte[0]).send();
        quietDisconnect(pub);

        Mqtt3BlockingClient late = client("l");
        late.connect();
        try (Mqtt3BlockingClient.Mqtt3Publishes publishes = late.publishes(MqttGlobalPublishFilter.ALL)) {
            late.subscribeWith().topicFilter(t).qos(MqttQos.AT_LEAST_ONCE).send();
            assertThat(publishes.receive(600, TimeUnit.MILLISECONDS)).as("retained message deleted").isEmpty();
        } finally {
            quietDisconnect(late);
        }
    }

    @Test
    void wildcardSubscriptionAndUnsubscribe() throws Exception {
        String root = broker.uniqueTopic("hv/wild");
        Mqtt3BlockingClient sub = client("s");
        Mqtt3BlockingClient pub = client("p");
        sub.connect();
        pub.connect();
        try (Mqtt3BlockingClient.Mqtt3Publishes publishes = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter(root + "/+/v").qos(MqttQos.AT_LEAST_ONCE).send();
            pub.publishWith().topic(root + "/a/v").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[]{1}).send();
            assertThat(publishes.receive(5, TimeUnit.SECONDS)).isPresent();

            sub.unsubscribeWith().topicFilter(root + "/+/v").send();
            pub.publishWith().topic(root + "/a/v").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[]{2}).send();
            assertThat(publishes.receive(600, TimeUnit.MILLISECONDS)).isEmpty();
        } finally {
            quietDisconnect(sub);
            quietDisconnect(pub);
        }
    }
}
