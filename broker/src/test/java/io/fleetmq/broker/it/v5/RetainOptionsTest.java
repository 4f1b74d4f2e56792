package io.fleetmq.broker.it.v5;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5RetainHandling;
import io.fleetmq.broker.testing.BrokerExtension;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static io.fleetmq.broker.it.v5.HiveV5.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/** Retain Handling and Retain As Published subscription options (MQTT 5.0 sections 3.8.3.1, 3.3.1.3). */
class RetainOptionsTest {
    @RegisterExtension
    final BrokerExtension broker = BrokerExtension.withDefaults();

    private Mqtt5BlockingClient sub;
    private Mqtt5BlockingClient.Mqtt5Publishes in;

    @BeforeEach
    void connectClients() {
        Mqtt5BlockingClient pub = HiveV5.connected(broker, "ret-pub");
        pub.publishWith().topic("ret/t").qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(bytes("stored")).send();
        pub.disconnect();
        sub = HiveV5.client(broker, "ret-sub");
        in = HiveV5.publishes(sub);
        sub.connect();
    }

    @AfterEach
    void closeClients() {
        in.close();
        HiveV5.quietDisconnect(sub);
    }

    private void subscribe(Mqtt5RetainHandling rh, boolean retainAsPublished) {
        sub.subscribeWith().topicFilter("ret/t").qos(MqttQos.AT_LEAST_ONCE)
                .retainHandling(rh).retainAsPublished(retainAsPublished).send();
    }

    // [MQTT-3.3.1-9]: Retain Handling 0 sends retained messages on every subscribe, also when re-subscribing;
    // retained messages sent because of a subscribe have RETAIN = 1 even with Retain As Published = 0.
    @Test
    void retainHandling0SendsRetainedOnEverySubscribe() throws Exception {
        subscribe(Mqtt5RetainHandling.SEND, false);
        Mqtt5Publish first = HiveV5.expect(in);
        assertThat(HiveV5.payload(first)).isEqualTo("stored");
        assertThat(first.isRetain()).isTrue();

        subscribe(Mqtt5RetainHandling.SEND, false);
        Mqtt5Publish again = HiveV5.expect(in);
        assertThat(HiveV5.payload(again)).isEqualTo("stored");
        assertThat(again.isRetain()).isTrue();
    }

    // [MQTT-3.3.1-10]: Retain Handling 1 sends retained messages only if the subscription did not exist.
    @Test
    void retainHandling1SendsRetainedOnlyForNewSubscription() throws Exception {
        subscribe(Mqtt5RetainHandling.SEND_IF_SUBSCRIPTION_DOES_NOT_EXIST, false);
        Mqtt5Publish first = HiveV5.expect(in);
        assertThat(first.isRetain()).isTrue();

        subscribe(Mqtt5RetainHandling.SEND_IF_SUBSCRIPTION_DOES_NOT_EXIST, false);
        HiveV5.expectNone(in, Duration.ofMillis(700));
    }

    // [MQTT-3.3.1-11]: Retain Handling 2 never sends retained messages on subscribe.
    @Test
    void retainHandling2NeverSendsRetained() throws Exception {
        subscribe(Mqtt5RetainHandling.DO_NOT_SEND, false);
        HiveV5.expectNone(in, Duration.ofMillis(700));
    }

    // [MQTT-3.3.1-13]: Retain As Published = 1 keeps the RETAIN flag of a live forwarded message.
    @Test
    void retainAsPublishedTrueKeepsRetainFlagOnLiveDelivery() throws Exception {
        subscribe(Mqtt5RetainHandling.DO_NOT_SEND, true);
        Mqtt5BlockingClient pub = HiveV5.connected(broker, "ret-pub-live");
        pub.publishWith().topic("ret/t").qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(bytes("live")).send();
        pub.disconnect();
        Mqtt5Publish p = HiveV5.expect(in);
        assertThat(HiveV5.payload(p)).isEqualTo("live");
        assertThat(p.isRetain()).isTrue();
    }

    // [MQTT-3.3.1-12]: Retain As Published = 0 clears the RETAIN flag on live delivery (Paho as subscriber).
    @Test
    void retainAsPublishedFalseClearsRetainFlagOnLiveDelivery() throws Exception {
        try (PahoV5Client paho = new PahoV5Client(broker, "ret-paho");
             PahoV5Client pub = new PahoV5Client(broker, "ret-paho-pub")) {
            paho.connect();
            MqttSubscription s = new MqttSubscription("ret/t", 1);
            s.setRetainHandling(2);
            s.setRetainAsPublished(false);
            paho.subscribe(s);
            pub.connect();
            pub.publish("ret/t", "live", 1, true);
            PahoV5Client.Received r = paho.expectMessage();
            assertThat(r.payload()).isEqualTo("live");
            assertThat(r.message().isRetained()).isFalse();
        }
    }

    // [MQTT-3.3.1-12] with Retain As Published = 1 on the Paho side too: the flag is kept.
    @Test
    void retainAsPublishedTrueWithPaho() throws Exception {
        try (PahoV5Client paho = new PahoV5Client(broker, "ret-paho-rap");
             PahoV5Client pub = new PahoV5Client(broker, "ret-paho-rap-pub")) {
            paho.connect();
            MqttSubscription s = new MqttSubscription("ret/t", 1);
            s.setRetainHandling(2);
            s.setRetainAsPublished(true);
            paho.subscribe(s);
            pub.connect();
            pub.publish("ret/t", "live2", 1, true);
            PahoV5Client.Received r = paho.expectMessage();
            assertThat(r.payload()).isEqualTo("live2");
            assertThat(r.message().isRetained()).isTrue();
        }
    }
}
