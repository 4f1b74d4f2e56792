package io.fleetmq.broker.it.security;

import io.fleetmq.broker.testing.RawMqttClient;
import io.fleetmq.broker.testing.TestBroker;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Raw MQTT clients with credentials, where exact reason codes matter. */
final class AuthClients {
    private AuthClients() {
    }

    /** Opens and CONNECTs; the CONNACK code is asserted by the caller via {@link #connack}. */
    static RawMqttClient connected(TestBroker b, MqttVersion v, String clientId, String user, String password) {
        RawMqttClient c = RawMqttClient.open(b);
        MqttConnAckMessage ack = c.connect(connect(v, clientId, user, password));
        assertThat(ack.variableHeader().connectReturnCode()).as("CONNACK for " + clientId)
                .isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
        return c;
    }

    static MqttConnectReturnCode connack(TestBroker b, MqttVersion v, String clientId, String user, String password) {
        try (RawMqttClient c = RawMqttClient.open(b)) {
            return c.connect(connect(v, clientId, user, password)).variableHeader().connectReturnCode();
        }
    }

    static io.netty.handler.codec.mqtt.MqttConnectMessage connect(MqttVersion v, String clientId, String user,
                                                                   String password) {
        var builder = RawMqttClient.connectBuilder(clientId, v, true, 60, null);
        if (user != null) {
            builder.hasUser(true).username(user);
        }
        if (password != null) {
            builder.hasPassword(true).password(password.getBytes(StandardCharsets.UTF_8));
        }
        return builder.build();
    }

    /** The SUBACK code for one filter at QoS 1. */
    static int subscribe(RawMqttClient c, String filter) {
        return c.subscribe(filter, MqttQoS.AT_LEAST_ONCE).payload().reasonCodes().get(0);
    }

    /** The PUBACK reason code (v5) for a QoS 1 PUBLISH; 0 for v3 (no reason code). */
    static int publishQos1(RawMqttClient c, String topic) {
        int id = c.publish(topic, "x", MqttQoS.AT_LEAST_ONCE, false);
        MqttMessage ack = c.awaitPacket(MqttMessageType.PUBACK, id, RawMqttClient.DEFAULT_TIMEOUT);
        return ack.variableHeader() instanceof MqttPubReplyMessageVariableHeader r ? r.reasonCode() & 0xFF : 0;
    }
}
