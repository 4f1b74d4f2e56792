package io.fleetmq.broker.codec;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnAckVariableHeader;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectPayload;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.BinaryProperty;
import io.netty.handler.codec.mqtt.MqttProperties.IntegerProperty;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttProperties.StringProperty;
import io.netty.handler.codec.mqtt.MqttProperties.UserProperty;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttSubscribePayload;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubAckPayload;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.codec.mqtt.MqttUnsubscribePayload;
import io.netty.handler.codec.mqtt.MqttVersion;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * jqwik generators for every MQTT packet type. Messages are produced as {@link Gen}: a description plus a factory,
 * because encoding consumes (releases) a message and jqwik may reuse generated values while shrinking.
 */
final class MqttArbitraries {
    private MqttArbitraries() {
    }

    /** A message recipe. */
    record Gen(String description, Supplier<MqttMessage> factory) {
        MqttMessage create() {
            return factory.get();
        }

        @Override
        public String toString() {
            return description;
        }
    }

    /** Strings Netty round-trips unchanged: ASCII, Latin-1, BMP and supplementary characters, no lone surrogates. */
    static Arbitrary<String> text(int minLength, int maxLength) {
        Arbitrary<String> base = Arbitraries.strings().withCharRange('a', 'z').withChars("AZ09 -_.é€ß中")
                .ofMinLength(minLength).ofMaxLength(maxLength);
        return Arbitraries.oneOf(base, base.map(s -> s + "😀"));
    }

    static Arbitrary<String> topicName() {
        Arbitrary<String> level = Arbitraries.strings().withCharRange('a', 'z').withChars("09é€中 ")
                .ofMinLength(0).ofMaxLength(8);
        return level.list().ofMinSize(1).ofMaxSize(5).map(l -> String.join("/", l))
                .filter(s -> !s.isEmpty());
    }

    static Arbitrary<String> topicFilter() {
        return Arbitraries.oneOf(topicName(), topicName().map(t -> t + "/#"), topicName().map(t -> "+/" + t),
                Arbitraries.just("#"));
    }

    static Arbitrary<byte[]> bytes(int maxLength) {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(maxLength);
    }

    static Arbitrary<Integer> packetId() {
        return Arbitraries.integers().between(1, 65535);
    }

    /** Any MQTT 5 property (the decoder does not check which properties a packet type may carry). */
    static Arbitrary<MqttProperties> properties() {
        Arbitrary<Integer> byteValue = Arbitraries.integers().between(0, 1);
        Arbitrary<Integer> twoByte = Arbitraries.integers().between(0, 65535);
        Arbitrary<Integer> fourByte = Arbitraries.integers();
        Arbitrary<Integer> varInt = Arbitraries.integers().between(1, PacketSizes.MAX_REMAINING_LENGTH);
        List<Arbitrary<Object>> single = List.of(
                byteValue.map(v -> new IntegerProperty(MqttPropertyType.PAYLOAD_FORMAT_INDICATOR.value(), v)),
                byteValue.map(v -> new IntegerProperty(MqttPropertyType.REQUEST_PROBLEM_INFORMATION.value(), v)),
                byteValue.map(v -> new IntegerProperty(MqttPropertyType.MAXIMUM_QOS.value(), v)),
                byteValue.map(v -> new IntegerProperty(MqttPropertyType.RETAIN_AVAILABLE.value(), v)),
                twoByte.map(v -> new IntegerProperty(MqttPropertyType.TOPIC_ALIAS.value(), v)),
                twoByte.map(v -> new IntegerProperty(MqttPropertyType.RECEIVE_MAXIMUM.value(), v)),
                twoByte.map(v -> new IntegerProperty(MqttPropertyType.SERVER_KEEP_ALIVE.value(), v)),
                fourByte.map(v -> new IntegerProperty(MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL.value(), v)),
                fourByte.map(v -> new IntegerProperty(MqttPropertyType.SESSION_EXPIRY_INTERVAL.value(), v)),
                fourByte.map(v -> new IntegerProperty(MqttPropertyType.MAXIMUM_PACKET_SIZE.value(), v)),
                text(0, 20).map(v -> new StringProperty(MqttPropertyType.CONTENT_TYPE.value(), v)),
                topicName().map(v -> new StringProperty(MqttPropertyType.RESPONSE_TOPIC.value(), v)),
                text(0, 20).map(v -> new StringProperty(MqttPropertyType.REASON_STRING.value(), v)),
                text(1, 20).map(v -> new StringProperty(MqttPropertyType.AUTHENTICATION_METHOD.value(), v)),
                bytes(20).map(v -> new BinaryProperty(MqttPropertyType.CORRELATION_DATA.value(), v)),
                bytes(20).map(v -> new BinaryProperty(MqttPropertyType.AUTHENTICATION_DATA.value(), v)),
                varInt.map(v -> new IntegerProperty(MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value(), v)),
                Combinators.combine(text(0, 10), text(0, 10)).as(UserProperty::new).map(p -> (Object) p));
        @SuppressWarnings({"unchecked", "rawtypes"})
        Arbitrary<Object> any = Arbitraries.oneOf((List) single);
        return any.list().ofMaxSize(8).map(list -> {
            MqttProperties props = new MqttProperties();
            for (Object p : list) {
                props.add((MqttProperties.MqttProperty<?>) p);
            }
            return props;
        });
    }

    static Arbitrary<MqttProperties> propertiesFor(MqttVersion v) {
        return v == MqttVersion.MQTT_5 ? properties() : Arbitraries.just(MqttProperties.NO_PROPERTIES);
    }

    static MqttFixedHeader header(MqttMessageType type, MqttQoS qos) {
        return new MqttFixedHeader(type, false, qos, false, 0);
    }

    static Arbitrary<Gen> anyMessage(MqttVersion v) {
        List<Arbitrary<Gen>> all = new ArrayList<>(List.of(connect(v), connack(v), publish(v),
                pubReply(v, MqttMessageType.PUBACK), pubReply(v, MqttMessageType.PUBREC),
                pubReply(v, MqttMessageType.PUBREL), pubReply(v, MqttMessageType.PUBCOMP),
                subscribe(v), suback(v), unsubscribe(v), unsuback(v),
                Arbitraries.just(simple(MqttMessageType.PINGREQ)), Arbitraries.just(simple(MqttMessageType.PINGRESP)),
                reasonAndProps(v, MqttMessageType.DISCONNECT)));
        if (v == MqttVersion.MQTT_5) {
            all.add(reasonAndProps(v, MqttMessageType.AUTH));
        }
        return Arbitraries.oneOf(all);
    }

    static Gen simple(MqttMessageType type) {
        return new Gen(type.name(), () -> new MqttMessage(header(type, MqttQoS.AT_MOST_ONCE)));
    }

    static Arbitrary<Gen> connect(MqttVersion v) {
        Arbitrary<String> clientId = Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(23);
        Arbitrary<Boolean> bool = Arbitraries.of(true, false);
        Arbitrary<Integer> qos = Arbitraries.integers().between(0, 2);
        return Combinators.combine(clientId, bool, Arbitraries.integers().between(0, 65535), propertiesFor(v),
                bool, Combinators.combine(qos, bool, topicName(), bytes(30), propertiesFor(v)).as(Will::new),
                bool.flatMap(u -> u ? text(0, 12) : Arbitraries.just((String) null)),
                bool.flatMap(p -> p ? bytes(12) : Arbitraries.just((byte[]) null))
        ).as((id, clean, keepAlive, props, hasWill, will, user, pw) -> {
            // MQTT 3.1.1 forbids a password without a user name [MQTT-3.1.2-22]; Netty's encoder enforces it.
            byte[] password = v != MqttVersion.MQTT_5 && user == null ? null : pw;
            return new Gen(
                "CONNECT id=" + id + " will=" + hasWill + " user=" + user + " props=" + MqttMessageDescriber.props(props),
                () -> {
                    MqttConnectVariableHeader h = new MqttConnectVariableHeader(v.protocolName(), v.protocolLevel(),
                            user != null, password != null, hasWill && will.retain, hasWill ? will.qos : 0,
                            hasWill, clean, keepAlive, props);
                    MqttConnectPayload p = new MqttConnectPayload(id,
                            hasWill ? will.props : MqttProperties.NO_PROPERTIES,
                            hasWill ? will.topic : null, hasWill ? will.message : null, user, password);
                    return new MqttConnectMessage(header(MqttMessageType.CONNECT, MqttQoS.AT_MOST_ONCE), h, p);
                });
        });
    }

    record Will(int qos, boolean retain, String topic, byte[] message, MqttProperties props) {
    }

    static Arbitrary<Gen> connack(MqttVersion v) {
        Arbitrary<MqttConnectReturnCode> code = v == MqttVersion.MQTT_5
                ? Arbitraries.of(MqttConnectReturnCode.CONNECTION_ACCEPTED,
                MqttConnectReturnCode.CONNECTION_REFUSED_MALFORMED_PACKET,
                MqttConnectReturnCode.CONNECTION_REFUSED_PROTOCOL_ERROR,
                MqttConnectReturnCode.CONNECTION_REFUSED_UNSUPPORTED_PROTOCOL_VERSION,
                MqttConnectReturnCode.CONNECTION_REFUSED_CLIENT_IDENTIFIER_NOT_VALID,
                MqttConnectReturnCode.CONNECTION_REFUSED_PACKET_TOO_LARGE,
                MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5)
                : Arbitraries.of(MqttConnectReturnCode.CONNECTION_ACCEPTED,
                MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION,
                MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED,
                MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
        return Combinators.combine(code, Arbitraries.of(true, false), propertiesFor(v)).as((c, sp, props) ->
                new Gen("CONNACK " + c + " sp=" + sp, () -> new MqttConnAckMessage(
                        header(MqttMessageType.CONNACK, MqttQoS.AT_MOST_ONCE),
                        new MqttConnAckVariableHeader(c, sp, props))));
    }

    static Arbitrary<Gen> publish(MqttVersion v) {
        Arbitrary<String> topic = v == MqttVersion.MQTT_5
                ? Arbitraries.oneOf(topicName(), Arbitraries.just("")) // "" = topic alias in use
                : topicName();
        return Combinators.combine(Arbitraries.of(MqttQoS.AT_MOST_ONCE, MqttQoS.AT_LEAST_ONCE, MqttQoS.EXACTLY_ONCE),
                Arbitraries.of(true, false), Arbitraries.of(true, false), topic, packetId(), propertiesFor(v),
                bytes(300)).as((qos, dup, retain, t, id, props, payload) -> new Gen(
                "PUBLISH " + qos + " '" + t + "' id=" + id + " " + payload.length + "B props="
                        + MqttMessageDescriber.props(props),
                () -> new MqttPublishMessage(
                        new MqttFixedHeader(MqttMessageType.PUBLISH, dup && qos != MqttQoS.AT_MOST_ONCE, qos, retain, 0),
                        new MqttPublishVariableHeader(t, qos == MqttQoS.AT_MOST_ONCE ? -1 : id, props),
                        Unpooled.wrappedBuffer(payload))));
    }

    static Arbitrary<Gen> pubReply(MqttVersion v, MqttMessageType type) {
        MqttQoS qos = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
        Arbitrary<Byte> reason = v == MqttVersion.MQTT_5
                ? Arbitraries.of((byte) 0x00, (byte) 0x10, (byte) 0x80, (byte) 0x83, (byte) 0x87, (byte) 0x91,
                (byte) 0x92, (byte) 0x97, (byte) 0x99)
                : Arbitraries.just((byte) 0);
        return Combinators.combine(packetId(), reason, propertiesFor(v)).as((id, r, props) -> new Gen(
                type + " id=" + id + " reason=" + r,
                () -> new MqttMessage(header(type, qos), v == MqttVersion.MQTT_5
                        ? new MqttPubReplyMessageVariableHeader(id, r, props)
                        : MqttMessageIdVariableHeader.from(id))));
    }

    static Arbitrary<Gen> subscribe(MqttVersion v) {
        Arbitrary<MqttQoS> qos = Arbitraries.of(MqttQoS.AT_MOST_ONCE, MqttQoS.AT_LEAST_ONCE, MqttQoS.EXACTLY_ONCE);
        Arbitrary<MqttSubscriptionOption> option = v == MqttVersion.MQTT_5
                ? Combinators.combine(qos, Arbitraries.of(true, false), Arbitraries.of(true, false),
                Arbitraries.of(MqttSubscriptionOption.RetainedHandlingPolicy.class)).as(MqttSubscriptionOption::new)
                : qos.map(MqttSubscriptionOption::onlyFromQos);
        Arbitrary<List<MqttTopicSubscription>> subs = Combinators.combine(topicFilter(), option)
                .as(MqttTopicSubscription::new).list().ofMinSize(1).ofMaxSize(5);
        return Combinators.combine(packetId(), propertiesFor(v), subs).as((id, props, s) -> new Gen(
                "SUBSCRIBE id=" + id + " " + s,
                () -> new MqttSubscribeMessage(header(MqttMessageType.SUBSCRIBE, MqttQoS.AT_LEAST_ONCE),
                        new MqttMessageIdAndPropertiesVariableHeader(id, props), new MqttSubscribePayload(s))));
    }

    static Arbitrary<Gen> suback(MqttVersion v) {
        Arbitrary<Integer> code = v == MqttVersion.MQTT_5
                ? Arbitraries.of(0, 1, 2, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2)
                : Arbitraries.of(0, 1, 2, 0x80);
        return Combinators.combine(packetId(), propertiesFor(v), code.list().ofMinSize(1).ofMaxSize(6))
                .as((id, props, codes) -> new Gen("SUBACK id=" + id + " " + codes,
                        () -> new MqttSubAckMessage(header(MqttMessageType.SUBACK, MqttQoS.AT_MOST_ONCE),
                                new MqttMessageIdAndPropertiesVariableHeader(id, props),
                                new MqttSubAckPayload(codes))));
    }

    static Arbitrary<Gen> unsubscribe(MqttVersion v) {
        return Combinators.combine(packetId(), propertiesFor(v), topicFilter().list().ofMinSize(1).ofMaxSize(5))
                .as((id, props, topics) -> new Gen("UNSUBSCRIBE id=" + id + " " + topics,
                        () -> new MqttUnsubscribeMessage(header(MqttMessageType.UNSUBSCRIBE, MqttQoS.AT_LEAST_ONCE),
                                new MqttMessageIdAndPropertiesVariableHeader(id, props),
                                new MqttUnsubscribePayload(topics))));
    }

    static Arbitrary<Gen> unsuback(MqttVersion v) {
        Arbitrary<List<Short>> codes = v == MqttVersion.MQTT_5
                ? Arbitraries.of((short) 0, (short) 0x11, (short) 0x80, (short) 0x83, (short) 0x87, (short) 0x8F,
                (short) 0x91).list().ofMinSize(1).ofMaxSize(6)
                : Arbitraries.just(List.of());
        return Combinators.combine(packetId(), propertiesFor(v), codes).as((id, props, c) -> new Gen(
                "UNSUBACK id=" + id + " " + c,
                () -> v == MqttVersion.MQTT_5
                        ? new MqttUnsubAckMessage(header(MqttMessageType.UNSUBACK, MqttQoS.AT_MOST_ONCE),
                        new MqttMessageIdAndPropertiesVariableHeader(id, props), new MqttUnsubAckPayload(c))
                        : new MqttUnsubAckMessage(header(MqttMessageType.UNSUBACK, MqttQoS.AT_MOST_ONCE),
                        MqttMessageIdVariableHeader.from(id))));
    }

    static Arbitrary<Gen> reasonAndProps(MqttVersion v, MqttMessageType type) {
        if (v != MqttVersion.MQTT_5) {
            return Arbitraries.just(simple(type));
        }
        Arbitrary<Byte> reason = type == MqttMessageType.AUTH
                ? Arbitraries.of((byte) 0x00, (byte) 0x18, (byte) 0x19)
                : Arbitraries.of((byte) 0x00, (byte) 0x04, (byte) 0x81, (byte) 0x82, (byte) 0x8E, (byte) 0x95);
        return Combinators.combine(reason, properties()).as((r, props) -> new Gen(type + " reason=" + r,
                () -> new MqttMessage(header(type, MqttQoS.AT_MOST_ONCE),
                        new MqttReasonCodeAndPropertiesVariableHeader(r, props))));
    }
}
