package io.fleetmq.broker.it.v5;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.fleetmq.broker.testing.BrokerExtension;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static io.fleetmq.broker.it.v5.HiveV5.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/** Message Expiry Interval (MQTT 5.0 section 3.3.2.3.3). */
class MessageExpiryTest {
    @RegisterExtension
    final BrokerExtension broker = BrokerExtension.withDefaults();

    // [MQTT-3.3.2-5]: a message whose expiry passed before onward delivery started is deleted for that subscriber;
    // [MQTT-3.3.2-6]: the copy that is delivered carries the received interval minus the time it waited.
    @Test
    void expiredMessageIsNotDeliveredFromOfflineQueueAndSurvivorCarriesRemainingInterval() throws Exception {
        try (PahoV5Client sub = new PahoV5Client(broker, "mx-sub")) {
            sub.connect(PahoV5Client.options(false, 60));
            sub.subscribe("mx/t", 1);
            sub.disconnect();
        }
        try (PahoV5Client pub = new PahoV5Client(broker, "mx-pub")) {
            pub.connect();
            MqttProperties shortLived = new MqttProperties();
            shortLived.setMessageExpiryInterval(1L);
            pub.publish("mx/t", "short", 1, false, shortLived);
            MqttProperties longLived = new MqttProperties();
            longLived.setMessageExpiryInterval(60L);
            pub.publish("mx/t", "long", 1, false, longLived);
        }
        Thread.sleep(2_300);
        try (PahoV5Client sub = new PahoV5Client(broker, "mx-sub")) {
            assertThat(sub.connect(PahoV5Client.options(false, 60)).getSessionPresent()).isTrue();
            PahoV5Client.Received r = sub.expectMessage();
            assertThat(r.payload()).as("the 1 s message expired while queued").isEqualTo("long");
            Long remaining = r.message().getProperties().getMessageExpiryInterval();
            assertThat(remaining).as("remaining expiry after ~2.3 s in the queue").isNotNull().isBetween(50L, 58L);
            sub.expectNoMessage(Duration.ofMillis(500));
        }
    }

    // [MQTT-3.3.2-6] on live delivery (HiveMQ): the interval is forwarded (at most the published value).
    @Test
    void liveDeliveryCarriesMessageExpiryInterval() throws Exception {
        Mqtt5BlockingClient sub = HiveV5.client(broker, "mx-live");
        try (Mqtt5BlockingClient.Mqtt5Publishes in = HiveV5.publishes(sub)) {
            sub.connect();
            sub.subscribeWith().topicFilter("mx/live").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt5BlockingClient pub = HiveV5.connected(broker, "mx-live-pub");
            pub.publishWith().topic("mx/live").qos(MqttQos.AT_LEAST_ONCE).messageExpiryInterval(100)
                    .payload(bytes("e")).send();
            pub.publishWith().topic("mx/live").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("no-expiry")).send();
            pub.disconnect();
            Mqtt5Publish withExpiry = HiveV5.expect(in);
            assertThat(withExpiry.getMessageExpiryInterval()).isPresent();
            assertThat(withExpiry.getMessageExpiryInterval().getAsLong()).isBetween(95L, 100L);
            Mqtt5Publish without = HiveV5.expect(in);
            assertThat(without.getMessageExpiryInterval()).as("absent interval stays absent (3.3.2.3.3)").isEmpty();
        } finally {
            HiveV5.quietDisconnect(sub);
        }
    }

    // [MQTT-3.3.2-5] for retained messages: an expired retained message is not sent to a new subscriber.
    @Test
    void expiredRetainedMessageIsNotSentOnSubscribe() throws Exception {
        try (PahoV5Client pub = new PahoV5Client(broker, "mx-ret-pub")) {
            pub.connect();
            MqttProperties p = new MqttProperties();
            p.setMessageExpiryInterval(1L);
            pub.publish("mx/retained", "stale", 1, true, p);
        }
        Thread.sleep(2_200);
        try (PahoV5Client sub = new PahoV5Client(broker, "mx-ret-sub")) {
            sub.connect();
            sub.subscribe("mx/retained", 1);
            sub.expectNoMessage(Duration.ofMillis(700));
        }
    }
}
