package io.fleetmq.broker.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.mqtt.MqttConnAckVariableHeader;
import io.netty.handler.codec.mqtt.MqttConnectPayload;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribePayload;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubAckPayload;
import io.netty.handler.codec.mqtt.MqttUnsubscribePayload;
import io.netty.handler.codec.mqtt.MqttVersion;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

/**
 * Field-by-field comparison helper: Netty's MQTT messages have no {@code equals}, so both sides are rendered to a
 * canonical multi-line description covering every field that is on the wire for the given version, and the
 * descriptions are compared (which also gives readable diffs). Fields the wire format does not carry for a
 * version (e.g. v5 reason codes under 3.1.1) are left out; absent optional parts normalise to their defaults.
 */
final class MqttMessageDescriber {
    private MqttMessageDescriber() {
    }

    static String describe(MqttMessage m, MqttVersion v) {
        boolean v5 = v == MqttVersion.MQTT_5;
        StringBuilder sb = new StringBuilder();
        MqttFixedHeader fh = m.fixedHeader();
        sb.append(fh.messageType());
        if (fh.messageType() == io.netty.handler.codec.mqtt.MqttMessageType.PUBLISH) {
            sb.append(" dup=").append(fh.isDup()).append(" qos=").append(fh.qosLevel()).append(" retain=")
                    .append(fh.isRetain());
        }
        sb.append('\n');
        Object vh = m.variableHeader();
        Object pl = m.payload();
        switch (fh.messageType()) {
            case CONNECT: {
                MqttConnectVariableHeader h = (MqttConnectVariableHeader) vh;
                MqttConnectPayload p = (MqttConnectPayload) pl;
                line(sb, "protocol", h.name() + "/" + h.version());
                line(sb, "cleanSession", h.isCleanSession());
                line(sb, "keepAlive", h.keepAliveTimeSeconds());
                line(sb, "clientId", p.clientIdentifier());
                if (v5) {
                    line(sb, "properties", props(h.properties()));
                }
                line(sb, "willFlag", h.isWillFlag());
                if (h.isWillFlag()) {
                    line(sb, "willQos", h.willQos());
                    line(sb, "willRetain", h.isWillRetain());
                    line(sb, "willTopic", p.willTopic());
                    line(sb, "willMessage", hex(p.willMessageInBytes()));
                    if (v5) {
                        line(sb, "willProperties", props(p.willProperties()));
                    }
                }
                line(sb, "hasUserName", h.hasUserName());
                if (h.hasUserName()) {
                    line(sb, "userName", p.userName());
                }
                line(sb, "hasPassword", h.hasPassword());
                if (h.hasPassword()) {
                    line(sb, "password", hex(p.passwordInBytes()));
                }
                break;
            }
            case CONNACK: {
                MqttConnAckVariableHeader h = (MqttConnAckVariableHeader) vh;
                line(sb, "returnCode", h.connectReturnCode());
                line(sb, "sessionPresent", h.isSessionPresent());
                if (v5) {
                    line(sb, "properties", props(h.properties()));
                }
                break;
            }
            case PUBLISH: {
                MqttPublishVariableHeader h = (MqttPublishVariableHeader) vh;
                line(sb, "topic", h.topicName());
                if (fh.qosLevel().value() > 0) {
                    line(sb, "packetId", h.packetId());
                }
                if (v5) {
                    line(sb, "properties", props(h.properties()));
                }
                line(sb, "payload", ByteBufUtil.hexDump((ByteBuf) pl));
                break;
            }
            case PUBACK:
            case PUBREC:
            case PUBREL:
            case PUBCOMP: {
                line(sb, "packetId", ((MqttMessageIdVariableHeader) vh).messageId());
                if (v5) {
                    byte reason = 0;
                    MqttProperties props = MqttProperties.NO_PROPERTIES;
                    if (vh instanceof MqttPubReplyMessageVariableHeader r) {
                        reason = r.reasonCode();
                        props = r.properties();
                    }
                    line(sb, "reason", reason);
                    line(sb, "properties", props(props));
                }
                break;
            }
            case SUBSCRIBE: {
                idAndProps(sb, vh, v5);
                for (MqttTopicSubscription s : ((MqttSubscribePayload) pl).topicSubscriptions()) {
                    if (v5) {
                        line(sb, "subscription", s.topicFilter() + " " + s.option());
                    } else {
                        line(sb, "subscription", s.topicFilter() + " " + s.qualityOfService());
                    }
                }
                break;
            }
            case SUBACK:
                idAndProps(sb, vh, v5);
                line(sb, "reasonCodes", ((MqttSubAckPayload) pl).reasonCodes());
                break;
            case UNSUBSCRIBE:
                idAndProps(sb, vh, v5);
                line(sb, "topics", ((MqttUnsubscribePayload) pl).topics());
                break;
            case UNSUBACK:
                idAndProps(sb, vh, v5);
                if (v5) {
                    List<Short> codes = pl == null ? List.of() : ((MqttUnsubAckPayload) pl).unsubscribeReasonCodes();
                    line(sb, "reasonCodes", codes);
                }
                break;
            case DISCONNECT:
            case AUTH:
                if (v5) {
                    byte reason = 0;
                    MqttProperties props = MqttProperties.NO_PROPERTIES;
                    if (vh instanceof MqttReasonCodeAndPropertiesVariableHeader r) {
                        reason = r.reasonCode();
                        props = r.properties();
                    }
                    line(sb, "reason", reason);
                    line(sb, "properties", props(props));
                }
                break;
            default:
                break;
        }
        return sb.toString();
    }

    private static void idAndProps(StringBuilder sb, Object vh, boolean v5) {
        line(sb, "packetId", ((MqttMessageIdVariableHeader) vh).messageId());
        if (v5) {
            MqttProperties props = vh instanceof MqttMessageIdAndPropertiesVariableHeader p
                    ? p.properties() : MqttProperties.NO_PROPERTIES;
            line(sb, "properties", props(props));
        }
    }

    /** Properties in a canonical order; user properties keep their order [MQTT-3.3.2-18]. */
    static String props(MqttProperties props) {
        if (props == null) {
            return "[]";
        }
        List<String> plain = new ArrayList<>();
        List<String> user = new ArrayList<>();
        for (MqttProperties.MqttProperty<?> p : props.listAll()) {
            if (p instanceof MqttProperties.UserProperties u) {
                for (MqttProperties.StringPair pair : u.value()) {
                    user.add("user:" + pair.key + "=" + pair.value);
                }
            } else if (p.value() instanceof byte[] b) {
                plain.add(p.propertyId() + ":" + hex(b));
            } else {
                plain.add(p.propertyId() + ":" + p.value());
            }
        }
        Collections.sort(plain);
        plain.addAll(user);
        return plain.toString();
    }

    private static String hex(byte[] b) {
        return b == null ? "null" : HexFormat.of().formatHex(b);
    }

    private static void line(StringBuilder sb, String name, Object value) {
        sb.append("  ").append(name).append('=').append(value).append('\n');
    }
}
