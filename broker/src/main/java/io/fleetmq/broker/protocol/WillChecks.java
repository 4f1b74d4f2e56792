package io.fleetmq.broker.protocol;

import io.fleetmq.broker.auth.Principal;
import io.fleetmq.broker.auth.Security;
import io.fleetmq.broker.config.LimitsConfig;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;

/**
 * A will is a PUBLISH the broker makes on the client's behalf later, so at CONNECT it goes through the checks a
 * PUBLISH from that client would: no reserved ({@code $}) topic, within {@code limits.maxTopicLength} and
 * {@code limits.maxTopicLevels}, and allowed by the client's ACL. When the will fires the ACL is asked again (see
 * {@link io.fleetmq.broker.session.Will#permission}).
 */
final class WillChecks {
    private WillChecks() {
    }

    /** Why a will is refused: the v5 CONNACK reason (v3.1.1 always gets return code 5, Not authorized). */
    record Refusal(MqttConnectReturnCode v5Code, String reason) {
    }

    /** Null when the will may be accepted. */
    static Refusal check(String topic, Principal principal, Security security, LimitsConfig limits) {
        if (topic.startsWith("$")) {
            // [MQTT-4.7.2-1]: '$' topics are the server's; a retained will there would be served to every $SYS
            // subscriber as if the broker had said it.
            return new Refusal(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5,
                    "will topic " + topic + " is reserved for the broker");
        }
        String overLimit = TopicLimits.exceeded(topic, limits);
        if (overLimit != null) {
            return new Refusal(MqttConnectReturnCode.CONNECTION_REFUSED_TOPIC_NAME_INVALID, "will " + overLimit);
        }
        if (!security.mayPublish(principal, topic)) {
            return new Refusal(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5,
                    "will topic " + topic + " denied by ACL");
        }
        return null;
    }
}
