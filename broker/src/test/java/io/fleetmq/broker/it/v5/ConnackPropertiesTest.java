package io.fleetmq.broker.it.v5;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import io.fleetmq.broker.testing.BrokerExtension;
import io.fleetmq.broker.testing.RawMqttClient;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType.ASSIGNED_CLIENT_IDENTIFIER;
import static io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType.REQUEST_RESPONSE_INFORMATION;
import static io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType.RESPONSE_INFORMATION;
import static io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType.SERVER_KEEP_ALIVE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * CONNACK properties (MQTT 5.0 section 3.2.2.3): Server Keep Alive, Assigned Client Identifier, Response Information.
 * The broker runs with mqtt.maxKeepAlive = 30 s.
 */
class ConnackPropertiesTest {
    @RegisterExtension
    final BrokerExtension broker = BrokerExtension.with(c -> c.withMqtt(MqttConfigs.maxKeepAlive(c.mqtt(), 30)));

    // 3.2.2.3.14 / [MQTT-3.2.2-21]: a client asking for keep alive 0 (disabled) is told Server Keep Alive = 30.
    @Test
    void keepAliveZeroGetsServerKeepAlive() {
        Mqtt5BlockingClient c = HiveV5.client(broker, "ka-zero");
        Mqtt5ConnAck ack = c.connectWith().noKeepAlive().send();
        assertThat(ack.getServerKeepAlive()).hasValue(30);
        c.disconnect();
    }

    // 3.2.2.3.14: a client asking for more than the maximum (120 s > 30 s) is told Server Keep Alive = 30 (Paho).
    @Test
    void keepAliveAboveMaximumGetsServerKeepAlive() throws Exception {
        try (PahoV5Client c = new PahoV5Client(broker, "ka-over")) {
            MqttConnectionOptions o = PahoV5Client.options(true, 0);
            o.setKeepAliveInterval(120);
            IMqttToken token = c.connect(o);
            assertThat(token.getResponseProperties().getServerKeepAlive()).isEqualTo(30);
        }
    }

    // Raw check of the same with a keep alive within bounds: no Server Keep Alive is needed (the broker accepts 20 s);
    // if one is sent it must equal the requested value.
    @Test
    void keepAliveWithinMaximumIsAccepted() {
        try (RawMqttClient c = RawMqttClient.open(broker)) {
            MqttConnAckMessage ack = c.connect("ka-ok", MqttVersion.MQTT_5, true, 20, null);
            Integer ska = Raw5.intProp(ack.variableHeader().properties(), SERVER_KEEP_ALIVE);
            if (ska != null) {
                assertThat(ska).isEqualTo(20);
            }
        }
    }

    // [MQTT-3.1.3-6]/[MQTT-3.1.3-7] + [MQTT-3.2.2-16]: a zero-length client id is accepted and CONNACK carries the
    // Assigned Client Identifier (HiveMQ requests one when no identifier is set).
    @Test
    void emptyClientIdGetsAssignedClientIdentifier() {
        Mqtt5BlockingClient c = Mqtt5Client.builder().serverHost(broker.host()).serverPort(broker.port())
                .buildBlocking();
        Mqtt5ConnAck ack = c.connect();
        assertThat(ack.getAssignedClientIdentifier()).isPresent();
        assertThat(ack.getAssignedClientIdentifier().get().toString()).isNotEmpty();
        c.disconnect();
    }

    // Same with an explicit zero-length identifier on the wire; two clients get distinct identifiers.
    @Test
    void emptyClientIdOnTheWireGetsUniqueAssignedIdentifier() {
        try (RawMqttClient a = RawMqttClient.open(broker); RawMqttClient b = RawMqttClient.open(broker)) {
            MqttConnAckMessage ackA = a.connect("", MqttVersion.MQTT_5, true, 60, null);
            MqttConnAckMessage ackB = b.connect("", MqttVersion.MQTT_5, true, 60, null);
            String idA = Raw5.stringProp(ackA.variableHeader().properties(), ASSIGNED_CLIENT_IDENTIFIER);
            String idB = Raw5.stringProp(ackB.variableHeader().properties(), ASSIGNED_CLIENT_IDENTIFIER);
            assertThat(idA).isNotEmpty();
            assertThat(idB).isNotEmpty().isNotEqualTo(idA);
            assertThat(a.isOpen()).isTrue();
            assertThat(b.isOpen()).isTrue();
        }
    }

    // 3.1.2.11.6 / 3.2.2.3.15: Request Response Information = 1 -> CONNACK carries Response Information (Paho and
    // HiveMQ; the brief requires the broker to supply it).
    @Test
    void requestResponseInformationGetsResponseInformation() throws Exception {
        try (PahoV5Client c = new PahoV5Client(broker, "rri-paho")) {
            MqttConnectionOptions o = PahoV5Client.options(true, 0);
            o.setRequestResponseInfo(true);
            IMqttToken token = c.connect(o);
            assertThat(token.getResponseProperties().getResponseInfo()).isNotEmpty();
        }
        Mqtt5BlockingClient h = HiveV5.client(broker, "rri-hive");
        Mqtt5ConnAck ack = h.connectWith().restrictions().requestResponseInformation(true).applyRestrictions().send();
        assertThat(ack.getResponseInformation()).isPresent();
        h.disconnect();
    }

    // [MQTT-3.1.2-28]: Request Response Information = 0 (or absent) -> no Response Information in CONNACK.
    @Test
    void noResponseInformationUnlessRequested() {
        try (RawMqttClient c = RawMqttClient.open(broker)) {
            MqttProperties p = Raw5.props(REQUEST_RESPONSE_INFORMATION, 0);
            MqttConnAckMessage ack = c.connect("rri-none", MqttVersion.MQTT_5, true, 60, p);
            assertThat(Raw5.stringProp(ack.variableHeader().properties(), RESPONSE_INFORMATION)).isNull();
        }
    }
}
