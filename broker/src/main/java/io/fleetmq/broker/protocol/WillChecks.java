package io.fleetmq.broker.protocol;

import io.fleetmq.broker.auth.Principal;
import io.fleetmq.broker.auth.Security;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;

/**
 * A will is a PUBLISH the broker makes on the client's behalf later, so at CONNECT it goes through the checks a
 * PUBLISH from that client would: no reserved ({@code $}) topic and allowed by the client's ACL (the topic bounds
 * {@code limits.maxTopicLength} and {@code limits.maxTopicLevels} are checked with the other will fields, before
 * authentication, by {@link TopicLimits}). When the will fires the ACL is asked again (see
 * {@link io.fleetmq.broker.session.Will#permission}).
 */
final class WillChecks {
    private WillChecks() {
    }

    /** Why a will is refused: the v5 CONNACK reason (v3.1.1 always gets return code 5, Not authorized). */
    record Refusal(MqttConnectReturnCode v5Code, String reason) {
    }

    /** Null when the will may be accepted. */
    static Refusal check(String topic, Principal principal, Security security) {
        if (topic.startsWith("$")) {
            // [MQTT-4.7.2-1]: '$' topics are the server's; a retained will there would be served to every $SYS
            // subscriber as if the broker had said it.
            return new Refusal(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5,
                    "will topic " + topic + " is reserved for the broker");
        }
        if (!security.mayPublish(principal, topic)) {
            return new Refusal(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5,
                    "will topic " + topic + " denied by ACL");
        }
        return null;
    }
}
