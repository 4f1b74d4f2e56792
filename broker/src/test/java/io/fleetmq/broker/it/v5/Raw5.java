package io.fleetmq.broker.it.v5;

import io.fleetmq.broker.testing.BrokerEndpoint;
import io.fleetmq.broker.testing.RawMqttClient;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** MQTT 5 helpers on top of {@link RawMqttClient} (Netty codec types). */
final class Raw5 {
    static final Duration WAIT = Duration.ofSeconds(5);

    private Raw5() {
    }

    /** Properties from (type, value) pairs; values are Integer, String or byte[]. */
    static MqttProperties props(Object... typeValuePairs) {
        MqttProperties p = new MqttProperties();
        for (int i = 0; i < typeValuePairs.length; i += 2) {
            MqttPropertyType t = (MqttPropertyType) typeValuePairs[i];
            Object v = typeValuePairs[i + 1];
            if (v instanceof Integer n) {
                p.add(new MqttProperties.IntegerProperty(t.value(), n));
            } else if (v instanceof String s) {
                p.add(new MqttProperties.StringProperty(t.value(), s));
            } else if (v instanceof byte[] b) {
                p.add(new MqttProperties.BinaryProperty(t.value(), b));
            } else {
                throw new IllegalArgumentException("unsupported property value " + v);
            }
        }
        return p;
    }

    /** Opens a raw connection and completes a v5 CONNECT; asserts CONNACK success. */
    static RawMqttClient connect(BrokerEndpoint broker, String clientId, boolean cleanStart, MqttProperties props) {
        RawMqttClient c = RawMqttClient.open(broker);
        MqttConnAckMessage ack = c.connect(clientId, MqttVersion.MQTT_5, cleanStart, 60, props);
        assertThat(ack.variableHeader().connectReturnCode().byteValue()).as("CONNACK reason").isEqualTo((byte) 0);
        return c;
    }

    static RawMqttClient connect(BrokerEndpoint broker, String clientId) {
        return connect(broker, clientId, true, null);
    }

    static Integer intProp(MqttProperties props, MqttPropertyType type) {
        MqttProperties.MqttProperty<?> p = props.getProperty(type.value());
        return p == null ? null : (Integer) p.value();
    }

    static String stringProp(MqttProperties props, MqttPropertyType type) {
        MqttProperties.MqttProperty<?> p = props.getProperty(type.value());
        return p == null ? null : (String) p.value();
    }

    static List<Integer> subscriptionIds(MqttPublishMessage p) {
        return p.variableHeader().properties().getProperties(MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value())
                .stream().map(x -> (Integer) x.value()).collect(Collectors.toList());
    }

    static MqttProperties subAckProperties(MqttSubAckMessage ack) {
        MqttMessageIdAndPropertiesVariableHeader vh = ack.idAndPropertiesVariableHeader();
        return vh == null ? MqttProperties.NO_PROPERTIES : vh.properties();
    }

    /** Sends a v5 DISCONNECT without closing the socket (so the server's answer can still be read). */
    static void sendDisconnect(RawMqttClient c, int reasonCode, MqttProperties props) {
        c.send(new MqttMessage(new MqttFixedHeader(MqttMessageType.DISCONNECT, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttReasonCodeAndPropertiesVariableHeader((byte) reasonCode,
                        props == null ? MqttProperties.NO_PROPERTIES : props)));
    }

    /**
     * Waits for a server DISCONNECT (skipping any PUBLISH/acks that arrive first), asserts its reason code and that
     * the connection is then closed [MQTT-3.14.4-1]. Returns the DISCONNECT.
     */
    static MqttMessage expectDisconnect(RawMqttClient c, int expectedReason) {
        MqttMessage d = c.awaitPacket(MqttMessageType.DISCONNECT, -1, WAIT);
        assertThat(RawMqttClient.disconnectReason(d))
                .as("DISCONNECT reason code (hex 0x%02X expected)", expectedReason).isEqualTo(expectedReason);
        assertThat(c.awaitClosed(WAIT)).as("connection closed after DISCONNECT").isTrue();
        return d;
    }

    static MqttPublishMessage expectPublish(RawMqttClient c) {
        return c.awaitPacket(MqttMessageType.PUBLISH, -1, WAIT);
    }

    /** Asserts no PUBLISH arrives within {@code window}; other packets are ignored. */
    static void expectNoPublish(RawMqttClient c, Duration window) {
        List<MqttMessage> got = c.drain(window);
        assertThat(got.stream().filter(m -> m.fixedHeader().messageType() == MqttMessageType.PUBLISH)
                .map(RawMqttClient::describe).toList()).as("no PUBLISH expected").isEmpty();
    }
}
