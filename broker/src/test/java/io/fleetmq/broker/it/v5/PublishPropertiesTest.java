package io.fleetmq.broker.it.v5;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PayloadFormatIndicator;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.fleetmq.broker.testing.BrokerExtension;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.ByteBuffer;
import java.util.List;

import static io.fleetmq.broker.it.v5.HiveV5.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * PUBLISH properties forwarded unaltered (MQTT 5.0 section 3.3.2.3): user properties, payload format indicator,
 * content type, response topic and correlation data (request/response, 4.10).
 */
class PublishPropertiesTest {
    @RegisterExtension
    final BrokerExtension broker = BrokerExtension.withDefaults();

    private Mqtt5BlockingClient sub;
    private Mqtt5BlockingClient.Mqtt5Publishes in;

    @BeforeEach
    void connectClients() {
        sub = HiveV5.client(broker, "pp-sub");
        in = HiveV5.publishes(sub);
        sub.connect();
        sub.subscribeWith().topicFilter("pp/#").qos(MqttQos.AT_LEAST_ONCE).send();
    }

    @AfterEach
    void closeClients() {
        in.close();
        HiveV5.quietDisconnect(sub);
    }

    // [MQTT-3.3.2-17] user properties forwarded unaltered, [MQTT-3.3.2-18] in the same order (duplicate names
    // allowed, 3.3.2.3.7). Paho publishes, HiveMQ receives.
    @Test
    void userPropertiesArePreservedInOrder() throws Exception {
        try (PahoV5Client pub = new PahoV5Client(broker, "pp-pub")) {
            pub.connect();
            MqttProperties p = new MqttProperties();
            p.setUserProperties(List.of(new UserProperty("z", "1"), new UserProperty("a", "2"),
                    new UserProperty("z", "3"), new UserProperty("m", "")));
            pub.publish("pp/user", "u", 1, false, p);
        }
        Mqtt5Publish got = HiveV5.expect(in);
        assertThat(got.getUserProperties().asList())
                .extracting(u -> u.getName().toString() + "=" + u.getValue().toString())
                .containsExactly("z=1", "a=2", "z=3", "m=");
    }

    // [MQTT-3.3.2-4] Payload Format Indicator and [MQTT-3.3.2-20] Content Type forwarded unaltered (HiveMQ -> Paho).
    @Test
    void payloadFormatIndicatorAndContentTypeArePassedThrough() throws Exception {
        try (PahoV5Client paho = new PahoV5Client(broker, "pp-paho-sub")) {
            paho.connect();
            paho.subscribe("pp/format", 1);
            Mqtt5BlockingClient pub = HiveV5.connected(broker, "pp-hive-pub");
            pub.publishWith().topic("pp/format").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("{\"t\":21}"))
                    .payloadFormatIndicator(Mqtt5PayloadFormatIndicator.UTF_8)
                    .contentType("application/json; charset=utf-8").send();
            pub.disconnect();

            PahoV5Client.Received r = paho.expectMessage();
            assertThat(r.message().getProperties().getPayloadFormat()).isTrue();
            assertThat(r.message().getProperties().getContentType()).isEqualTo("application/json; charset=utf-8");

            Mqtt5Publish h = HiveV5.expect(in);
            assertThat(h.getPayloadFormatIndicator()).contains(Mqtt5PayloadFormatIndicator.UTF_8);
            assertThat(h.getContentType()).map(Object::toString).contains("application/json; charset=utf-8");
        }
    }

    // [MQTT-3.3.2-15] Response Topic and [MQTT-3.3.2-16] Correlation Data forwarded unaltered (4.10 request/response).
    @Test
    void responseTopicAndCorrelationDataArePassedThrough() throws Exception {
        byte[] correlation = {0, 1, 2, (byte) 0xFE, (byte) 0xFF};
        try (PahoV5Client paho = new PahoV5Client(broker, "pp-req-sub")) {
            paho.connect();
            paho.subscribe("pp/request", 1);
            Mqtt5BlockingClient pub = HiveV5.connected(broker, "pp-req-pub");
            pub.publishWith().topic("pp/request").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("ping"))
                    .responseTopic("pp/reply/42").correlationData(correlation).send();
            pub.disconnect();

            PahoV5Client.Received r = paho.expectMessage();
            assertThat(r.message().getProperties().getResponseTopic()).isEqualTo("pp/reply/42");
            assertThat(r.message().getProperties().getCorrelationData()).containsExactly(correlation);

            Mqtt5Publish h = HiveV5.expect(in);
            assertThat(h.getResponseTopic()).map(Object::toString).contains("pp/reply/42");
            ByteBuffer cd = h.getCorrelationData().orElseThrow();
            byte[] got = new byte[cd.remaining()];
            cd.get(got);
            assertThat(got).containsExactly(correlation);
        }
    }

    // Properties that were absent stay absent (no invented content type / response topic).
    @Test
    void absentPropertiesStayAbsent() throws Exception {
        Mqtt5BlockingClient pub = HiveV5.connected(broker, "pp-plain");
        pub.publishWith().topic("pp/plain").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("plain")).send();
        pub.disconnect();
        Mqtt5Publish h = HiveV5.expect(in);
        assertThat(h.getContentType()).isEmpty();
        assertThat(h.getResponseTopic()).isEmpty();
        assertThat(h.getCorrelationData()).isEmpty();
        assertThat(h.getPayloadFormatIndicator()).isEmpty();
        assertThat(h.getUserProperties().asList()).isEmpty();
    }
}
