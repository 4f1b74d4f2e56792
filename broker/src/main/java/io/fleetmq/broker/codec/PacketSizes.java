package io.fleetmq.broker.codec;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttProperty;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttProperties.StringPair;
import io.netty.handler.codec.mqtt.MqttProperties.UserProperties;

/**
 * Exact encoded sizes of packets as Netty's {@code MqttEncoder} writes them, so the broker can honour a client's
 * Maximum Packet Size before encoding: the server MUST NOT send a packet larger than it [MQTT-3.1.2-24] and
 * discards such a PUBLISH instead [MQTT-3.1.2-25].
 */
public final class PacketSizes {
    /** Largest Remaining Length a four-byte Variable Byte Integer can hold. */
    public static final int MAX_REMAINING_LENGTH = 268_435_455;

    private PacketSizes() {
    }

    /**
     * Size of a PUBLISH with the given QoS, including the fixed header.
     *
     * @param protocolVersion        protocol level: 3, 4 or 5 (properties only count for 5)
     * @param topicOrEmptyWhenAlias  the topic name as sent ("" when a v5 Topic Alias replaces it)
     * @param qos                    0, 1 or 2 (1 and 2 add the two-byte packet identifier)
     * @param payloadLength          payload bytes
     * @param props                  v5 properties (may be {@code null})
     * @return the size in bytes; may exceed {@link #MAX_REMAINING_LENGTH} (such a packet cannot be sent at all)
     */
    public static long publishPacketSize(int protocolVersion, String topicOrEmptyWhenAlias, int qos,
                                         int payloadLength, MqttProperties props) {
        long remaining = 2L + ByteBufUtil.utf8Bytes(topicOrEmptyWhenAlias);
        if (qos > 0) {
            remaining += 2;
        }
        if (protocolVersion >= 5) {
            int propertiesLength = propertiesLength(props);
            remaining += variableByteIntegerSize(propertiesLength) + propertiesLength;
        }
        remaining += payloadLength;
        return 1 + variableByteIntegerSize(remaining) + remaining;
    }

    /**
     * The largest Remaining Length a packet may announce so that the whole packet (1 type byte + the Remaining
     * Length's own 1..4 bytes + the rest) stays within {@code maxPacketSize} [MQTT-3.1.2-24]. Handing this to
     * Netty's decoder makes its header-time check exact: it refuses the packet before buffering the body.
     */
    public static int maxRemainingLength(int maxPacketSize) {
        int best = 0;
        for (int lengthBytes = 1; lengthBytes <= 4; lengthBytes++) {
            long remaining = (long) maxPacketSize - 1 - lengthBytes;
            if (remaining >= 0 && variableByteIntegerSize(remaining) <= lengthBytes) {
                best = (int) Math.max(best, Math.min(remaining, MAX_REMAINING_LENGTH));
            }
        }
        return best;
    }

    /** Length of the encoded property list, not counting its own Variable Byte Integer length prefix. */
    public static int propertiesLength(MqttProperties props) {
        if (props == null || props.isEmpty()) {
            return 0;
        }
        int length = 0;
        for (MqttProperty<?> property : props.listAll()) {
            length += propertySize(property);
        }
        return length;
    }

    private static int propertySize(MqttProperty<?> property) {
        int id = property.propertyId();
        int idSize = variableByteIntegerSize(id);
        MqttPropertyType type = MqttPropertyType.valueOf(id);
        switch (type) {
            case PAYLOAD_FORMAT_INDICATOR:
            case REQUEST_PROBLEM_INFORMATION:
            case REQUEST_RESPONSE_INFORMATION:
            case MAXIMUM_QOS:
            case RETAIN_AVAILABLE:
            case WILDCARD_SUBSCRIPTION_AVAILABLE:
            case SUBSCRIPTION_IDENTIFIER_AVAILABLE:
            case SHARED_SUBSCRIPTION_AVAILABLE:
                return idSize + 1;
            case SERVER_KEEP_ALIVE:
            case RECEIVE_MAXIMUM:
            case TOPIC_ALIAS_MAXIMUM:
            case TOPIC_ALIAS:
                return idSize + 2;
            case PUBLICATION_EXPIRY_INTERVAL:
            case SESSION_EXPIRY_INTERVAL:
            case WILL_DELAY_INTERVAL:
            case MAXIMUM_PACKET_SIZE:
                return idSize + 4;
            case SUBSCRIPTION_IDENTIFIER:
                return idSize + variableByteIntegerSize((Integer) property.value());
            case CONTENT_TYPE:
            case RESPONSE_TOPIC:
            case ASSIGNED_CLIENT_IDENTIFIER:
            case AUTHENTICATION_METHOD:
            case RESPONSE_INFORMATION:
            case SERVER_REFERENCE:
            case REASON_STRING:
                return idSize + 2 + ByteBufUtil.utf8Bytes((String) property.value());
            case USER_PROPERTY: {
                int size = 0;
                for (StringPair pair : ((UserProperties) property).value()) {
                    size += idSize + 2 + ByteBufUtil.utf8Bytes(pair.key) + 2 + ByteBufUtil.utf8Bytes(pair.value);
                }
                return size;
            }
            case CORRELATION_DATA:
            case AUTHENTICATION_DATA: {
                byte[] data = (byte[]) property.value();
                return idSize + 2 + (data == null ? 0 : data.length);
            }
            default:
                throw new IllegalArgumentException("unknown property type " + type);
        }
    }

    /** Bytes a Variable Byte Integer (MQTT 5 §1.5.5, also the Remaining Length) needs for {@code value}. */
    public static int variableByteIntegerSize(long value) {
        int size = 1;
        while (value > 127) {
            value >>>= 7;
            size++;
        }
        return size;
    }
}
