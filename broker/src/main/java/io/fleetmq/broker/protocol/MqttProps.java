package io.fleetmq.broker.protocol;

import io.fleetmq.broker.message.PublishProperties;
import io.fleetmq.broker.message.UserProperty;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;

import java.util.ArrayList;
import java.util.List;

/** Reading and writing Netty {@link MqttProperties} in the broker's terms. */
final class MqttProps {
    private MqttProps() {
    }

    static Integer integer(MqttProperties props, MqttPropertyType type) {
        MqttProperties.MqttProperty<?> p = props == null ? null : props.getProperty(type.value());
        return p == null ? null : (Integer) p.value();
    }

    static String string(MqttProperties props, MqttPropertyType type) {
        MqttProperties.MqttProperty<?> p = props == null ? null : props.getProperty(type.value());
        return p == null ? null : (String) p.value();
    }

    static byte[] binary(MqttProperties props, MqttPropertyType type) {
        MqttProperties.MqttProperty<?> p = props == null ? null : props.getProperty(type.value());
        return p == null ? null : (byte[]) p.value();
    }

    static boolean has(MqttProperties props, MqttPropertyType type) {
        return props != null && props.getProperty(type.value()) != null;
    }

    /** Four-byte integers arrive as signed ints; MQTT means them unsigned (e.g. 0xFFFFFFFF = never expire). */
    static Long unsignedInt(MqttProperties props, MqttPropertyType type) {
        Integer v = integer(props, type);
        return v == null ? null : Integer.toUnsignedLong(v);
    }

    static List<UserProperty> userProperties(MqttProperties props) {
        if (props == null) {
            return List.of();
        }
        List<? extends MqttProperties.MqttProperty> all = props.getProperties(MqttPropertyType.USER_PROPERTY.value());
        if (all.isEmpty()) {
            return List.of();
        }
        List<UserProperty> out = new ArrayList<>();
        for (MqttProperties.MqttProperty<?> p : all) {
            if (p instanceof MqttProperties.UserProperties ups) {
                for (MqttProperties.StringPair pair : ups.value()) {
                    out.add(new UserProperty(pair.key, pair.value));
                }
            } else if (p instanceof MqttProperties.UserProperty up) {
                out.add(new UserProperty(up.value().key, up.value().value));
            }
        }
        return out;
    }

    /** The application-message properties of a PUBLISH or a will [MQTT-3.3.2-3.2]. */
    static PublishProperties publishProperties(MqttProperties props) {
        if (props == null || props.isEmpty()) {
            return PublishProperties.NONE;
        }
        return new PublishProperties(
                integer(props, MqttPropertyType.PAYLOAD_FORMAT_INDICATOR),
                unsignedInt(props, MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL),
                string(props, MqttPropertyType.CONTENT_TYPE),
                string(props, MqttPropertyType.RESPONSE_TOPIC),
                binary(props, MqttPropertyType.CORRELATION_DATA),
                userProperties(props));
    }

    static void addInt(MqttProperties props, MqttPropertyType type, int value) {
        props.add(new MqttProperties.IntegerProperty(type.value(), value));
    }

    static void addString(MqttProperties props, MqttPropertyType type, String value) {
        props.add(new MqttProperties.StringProperty(type.value(), value));
    }

    static MqttProperties reasonString(String reason) {
        MqttProperties props = new MqttProperties();
        if (reason != null) {
            addString(props, MqttPropertyType.REASON_STRING, reason);
        }
        return props;
    }
}
