package io.fleetmq.broker.protocol;

import io.fleetmq.broker.config.AuthConfig;
import io.fleetmq.broker.protocol.EmbeddedBroker.Client;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.fleetmq.broker.protocol.EmbeddedBroker.connackCode;
import static io.fleetmq.broker.protocol.EmbeddedBroker.reason;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every reason code the broker emits, driven through the real {@link MqttChannelHandler} in an EmbeddedChannel with
 * the production pipeline: bytes in through Netty's MqttDecoder, bytes out through MqttEncoder, decoded again as a
 * client would. One test per path; the spec rule is named in a comment.
 */
class MqttChannelHandlerTest {
    private static final MqttVersion V3 = MqttVersion.MQTT_3_1_1;
    private static final MqttVersion V5 = MqttVersion.MQTT_5;

    private EmbeddedBroker broker;

    @AfterEach
    void closeBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private EmbeddedBroker use(EmbeddedBroker b) {
        broker = b;
        return b;
    }

    private Client connected(MqttVersion version, String clientId) {
        if (broker == null) {
            use(EmbeddedBroker.defaults());
        }
        Client c = broker.client(version);
        c.connectOk(clientId);
        return c;
    }

    private static MqttProperties props(MqttPropertyType type, int value) {
        MqttProperties p = new MqttProperties();
        p.add(new MqttProperties.IntegerProperty(type.value(), value));
        return p;
    }

    private static MqttProperties stringProp(MqttPropertyType type, String value) {
        MqttProperties p = new MqttProperties();
        p.add(new MqttProperties.StringProperty(type.value(), value));
        return p;
    }

    /** The broker refused the CONNECT with {@code code} and closed. */
    private static void assertRefused(Client c, MqttConnectMessage connect, int code) {
        c.send(connect);
        MqttConnAckMessage ack = (MqttConnAckMessage) c.expectOnly(MqttMessageType.CONNACK);
        assertThat(connackCode(ack)).isEqualTo(code);
        assertThat(ack.variableHeader().isSessionPresent()).isFalse();
        assertThat(c.isOpen()).as("closed after the refusing CONNACK [MQTT-3.2.2-7]").isFalse();
    }

    /** v5: the broker sent DISCONNECT {@code code} and closed. */
    private static void assertDisconnected(Client c, int code) {
        MqttMessage d = c.expectOnly(MqttMessageType.DISCONNECT);
        assertThat(reason(d)).as("DISCONNECT reason").isEqualTo(code);
        assertThat(c.isOpen()).as("closed after DISCONNECT [MQTT-4.13.2-1]").isFalse();
    }

    /** v3: no DISCONNECT packet exists for the server; the connection is just closed. */
    private static void assertClosedSilently(Client c) {
        assertThat(c.received()).as("nothing written").isEmpty();
        assertThat(c.isOpen()).isFalse();
    }

    private static MqttMessage subscribe(Client c, String filter, MqttSubscriptionOption option,
                                         MqttProperties props) {
        MqttMessageBuilders.SubscribeBuilder b = MqttMessageBuilders.subscribe().messageId(c.nextId())
                .addSubscription(filter, option);
        if (props != null) {
            b.properties(props);
        }
        c.send(b.build());
        List<MqttMessage> got = c.received();
        return got.isEmpty() ? null : got.get(0);
    }

    private static List<Integer> subackCodes(Client c, String filter, int qos) {
        MqttMessage m = subscribe(c, filter, MqttSubscriptionOption.onlyFromQos(MqttQoS.valueOf(qos)), null);
        assertThat(m).isInstanceOf(MqttSubAckMessage.class);
        return ((MqttSubAckMessage) m).payload().reasonCodes();
    }

    // =================================================================== CONNECT / CONNACK

    @Nested
    class Connack {

        @Test
        void acceptedConnectGetsConnack0x00WithoutSessionPresentForANewSession() {
            // [MQTT-3.2.2-2]/[MQTT-3.2.2-3]: new session -> Session Present 0.
            use(EmbeddedBroker.defaults());
            Client c = broker.client(V5);
            MqttConnAckMessage ack = c.connect(c.connectBuilder("dev-1").cleanSession(false).build());
            assertThat(connackCode(ack)).isZero();
            assertThat(ack.variableHeader().isSessionPresent()).isFalse();
            assertThat(c.isOpen()).isTrue();
        }

        @Test
        void resumedSessionGetsSessionPresent() {
            // [MQTT-3.2.2-2]: Clean Start 0 and a session exists -> Session Present 1.
            use(EmbeddedBroker.defaults());
            MqttProperties expiry = props(MqttPropertyType.SESSION_EXPIRY_INTERVAL, 600);
            Client first = broker.client(V5);
            first.connect(first.connectBuilder("dev-1").cleanSession(false).properties(expiry).build());
            first.channel.close();
            Client second = broker.client(V5);
            MqttConnAckMessage ack = second.connect(second.connectBuilder("dev-1").cleanSession(false)
                    .properties(expiry).build());
            assertThat(connackCode(ack)).isZero();
            assertThat(ack.variableHeader().isSessionPresent()).isTrue();
        }

        @Test
        void unsupportedProtocolLevelGetsConnack0x01InTheV311Format() {
            // [MQTT-3.1.2-2]: unsupported protocol level -> CONNACK 0x01 then close; the client's version is
            // unknown, so the 3.1.1 form (DecodeFailure: UNSUPPORTED_PROTOCOL_VERSION -> 0x01, not v5 0x84).
            use(EmbeddedBroker.defaults());
            Client c = broker.client(V3);
            c.sendRaw(new byte[]{0x10, 0x0E, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x06, 0x02, 0x00, 0x3C,
                    0x00, 0x02, 'c', '1'});
            MqttConnAckMessage ack = (MqttConnAckMessage) c.expectOnly(MqttMessageType.CONNACK);
            assertThat(connackCode(ack)).isEqualTo(0x01);
            assertThat(c.isOpen()).isFalse();
        }

        @Test
        void unknownProtocolNameGetsConnack0x01() {
            // [MQTT-3.1.2-1]: protocol name other than "MQTT" (or 3.1 "MQIsdp") -> refuse; 3.1.1 form 0x01.
            use(EmbeddedBroker.defaults());
            Client c = broker.client(V3);
            c.sendRaw(new byte[]{0x10, 0x0E, 0x00, 0x04, 'M', 'Q', 'X', 'X', 0x04, 0x02, 0x00, 0x3C,
                    0x00, 0x02, 'c', '1'});
            MqttConnAckMessage ack = (MqttConnAckMessage) c.expectOnly(MqttMessageType.CONNACK);
            assertThat(connackCode(ack)).isEqualTo(0x01);
            assertThat(c.isOpen()).isFalse();
        }

        @Test
        void v3EmptyClientIdWithCleanSession0GetsConnack0x02() {
            // [MQTT-3.1.3-8]: zero-byte client id with CleanSession 0 -> CONNACK 0x02 identifier rejected.
            use(EmbeddedBroker.defaults());
            Client c = broker.client(V3);
            assertRefused(c, c.connectBuilder("").cleanSession(false).build(), 0x02);
        }

        @Test
        void v3EmptyClientIdWithCleanSession1IsAcceptedWithAGeneratedId() {
            // [MQTT-3.1.3-6]: the server assigns a unique client id.
            use(EmbeddedBroker.defaults());
            Client c = broker.client(V3);
            MqttConnAckMessage ack = c.connect(c.connectBuilder("").cleanSession(true).build());
            assertThat(connackCode(ack)).isZero();
            assertThat(broker.store.size()).isEqualTo(1);
        }

        @Test
        void v5ClientIdLongerThanMaxClientIdLengthGetsConnack0x85() {
            // [MQTT-3.1.3-5] / v5 3.2.2.2: client identifier not valid -> 0x85.
            use(EmbeddedBroker.withMqtt(m -> m.set(x -> x.maxClientIdLength = 8)));
            Client c = broker.client(V5);
            assertRefused(c, c.connectBuilder("123456789").build(), 0x85);
        }

        @Test
        void v311ClientIdLongerThanMaxClientIdLengthGetsConnack0x02() {
            // [MQTT-3.1.3-9]: v3.1.1 identifier rejected -> 0x02.
            use(EmbeddedBroker.withMqtt(m -> m.set(x -> x.maxClientIdLength = 8)));
            Client c = broker.client(V3);
            assertRefused(c, c.connectBuilder("123456789").build(), 0x02);
        }

        @Test
        void v31ClientIdRejectedByTheDecoderGetsConnack0x02() {
            // MQTT 3.1: the decoder itself enforces the id length (MqttIdentifierRejectedException) -> 0x02.
            use(EmbeddedBroker.withMqtt(m -> m.set(x -> x.maxClientIdLength = 8)));
            Client c = broker.client(MqttVersion.MQTT_3_1);
            assertRefused(c, c.connectBuilder("123456789").build(), 0x02);
        }

        @Test
        void v5AnonymousConnectWhenAnonymousIsDisabledGetsConnack0x87() {
            // v5 3.2.2.2: Not authorized 0x87.
            use(EmbeddedBroker.withAuth(new AuthConfig(false)));
            Client c = broker.client(V5);
            assertRefused(c, c.connectBuilder("dev-1").build(), 0x87);
        }

        @Test
        void v3AnonymousConnectWhenAnonymousIsDisabledGetsConnack0x05() {
            // v3.1.1 3.2.2.3: 0x05 Connection Refused, not authorized.
            use(EmbeddedBroker.withAuth(new AuthConfig(false)));
            Client c = broker.client(V3);
            assertRefused(c, c.connectBuilder("dev-1").build(), 0x05);
        }

        @Test
        void v5AuthenticationMethodGetsConnack0x8C() {
            // [MQTT-4.12.0-...]: enhanced authentication not supported -> Bad authentication method 0x8C.
            use(EmbeddedBroker.defaults());
            Client c = broker.client(V5);
            assertRefused(c, c.connectBuilder("dev-1")
                    .properties(stringProp(MqttPropertyType.AUTHENTICATION_METHOD, "SCRAM-SHA-1")).build(), 0x8C);
        }

        @Test
        void v5ReceiveMaximumZeroGetsConnack0x82() {
            // v5 3.1.2.11.3: Receive Maximum 0 is a Protocol Error.
            use(EmbeddedBroker.defaults());
            Client c = broker.client(V5);
            assertRefused(c, c.connectBuilder("dev-1")
                    .properties(props(MqttPropertyType.RECEIVE_MAXIMUM, 0)).build(), 0x82);
        }

        @Test
        void v5MaximumPacketSizeZeroGetsConnack0x82() {
            // v5 3.1.2.11.4: Maximum Packet Size 0 is a Protocol Error.
            use(EmbeddedBroker.defaults());
            Client c = broker.client(V5);
            assertRefused(c, c.connectBuilder("dev-1")
                    .properties(props(MqttPropertyType.MAXIMUM_PACKET_SIZE, 0)).build(), 0x82);
        }

        @Test
        void v5WillTopicWithWildcardGetsConnack0x90() {
            // [MQTT-3.1.3-11] + [MQTT-3.3.2-2]: will topic must be a valid topic name -> Topic Name invalid 0x90.
            use(EmbeddedBroker.defaults());
            Client c = broker.client(V5);
            assertRefused(c, c.connectBuilder("dev-1").willFlag(true).willTopic("dev/+/status")
                    .willMessage("bye".getBytes(StandardCharsets.UTF_8)).willQoS(MqttQoS.AT_MOST_ONCE).build(), 0x90);
        }

        @Test
        void v3WillTopicWithWildcardClosesWithoutConnack() {
            // v3.1.1 has no return code for it: close the network connection [MQTT-4.8.0-1].
            use(EmbeddedBroker.defaults());
            Client c = broker.client(V3);
            c.send(c.connectBuilder("dev-1").willFlag(true).willTopic("dev/#")
                    .willMessage("bye".getBytes(StandardCharsets.UTF_8)).willQoS(MqttQoS.AT_MOST_ONCE).build());
            assertClosedSilently(c);
        }

        @Test
        void v5WillQosAboveMaximumQosGetsConnack0x9B() {
            // [MQTT-3.2.2-12]: will QoS above Maximum QoS -> QoS not supported 0x9B.
            use(EmbeddedBroker.withMqtt(m -> m.set(x -> x.maxQos = 1)));
            Client c = broker.client(V5);
            assertRefused(c, c.connectBuilder("dev-1").willFlag(true).willTopic("dev/status")
                    .willMessage("bye".getBytes(StandardCharsets.UTF_8)).willQoS(MqttQoS.EXACTLY_ONCE).build(), 0x9B);
        }

        @Test
        void v5WillRetainWhenRetainIsUnavailableGetsConnack0x9A() {
            // [MQTT-3.2.2-13]: will retain with Retain Available 0 -> Retain not supported 0x9A.
            use(EmbeddedBroker.withMqtt(m -> m.set(x -> x.retainAvailable = false)));
            Client c = broker.client(V5);
            assertRefused(c, c.connectBuilder("dev-1").willFlag(true).willTopic("dev/status").willRetain(true)
                    .willMessage("bye".getBytes(StandardCharsets.UTF_8)).willQoS(MqttQoS.AT_MOST_ONCE).build(), 0x9A);
        }

        @Test
        void packetBeforeConnectClosesWithoutReply() {
            // [MQTT-3.1.0-1]: the first packet must be CONNECT.
            use(EmbeddedBroker.defaults());
            Client c = broker.client(V3);
            c.send(new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGREQ, false, MqttQoS.AT_MOST_ONCE,
                    false, 0)));
            assertClosedSilently(c);
        }

        @Test
        void subscribeBeforeConnectClosesWithoutReply() {
            // [MQTT-3.1.0-1]. v3.1.1 encoding: before CONNECT the decoder assumes 3.1.1, so the SUBSCRIBE decodes
            // cleanly and it is the state machine (not a decode failure) that closes.
            use(EmbeddedBroker.defaults());
            Client c = broker.client(V3);
            subscribe(c, "a/b", MqttSubscriptionOption.onlyFromQos(MqttQoS.AT_LEAST_ONCE), null);
            assertClosedSilently(c);
        }

        @Test
        void noConnectWithinConnectTimeoutCloses() {
            // [MQTT-3.1.4-...]/3.1: a server closes a connection that sends no CONNECT in reasonable time.
            use(EmbeddedBroker.defaults());
            Client c = broker.client(V3);
            c.channel.advanceTimeBy(broker.config.mqtt().connectTimeout().toMillis() - 1, TimeUnit.MILLISECONDS);
            c.channel.runScheduledPendingTasks();
            assertThat(c.isOpen()).isTrue();
            c.channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
            c.channel.runScheduledPendingTasks();
            assertClosedSilently(c);
        }
    }

    // =================================================================== DISCONNECT from the broker

    @Nested
    class Disconnect {

        @Test
        void v5Qos0PublishWithDupGetsDisconnect0x81() {
            // [MQTT-3.3.1-2]: DUP must be 0 for QoS 0 -> Malformed Packet.
            Client c = connected(V5, "dev-1");
            c.publish("a/b", 0, false, true, 0, null, "x");
            assertDisconnected(c, 0x81);
        }

        @Test
        void v3Qos0PublishWithDupClosesWithoutDisconnectPacket() {
            // [MQTT-3.3.1-2]; v3.1.1 has no server DISCONNECT [MQTT-4.8.0-1].
            Client c = connected(V3, "dev-1");
            c.publish("a/b", 0, false, true, 0, null, "x");
            assertClosedSilently(c);
        }

        @Test
        void v5MalformedBytesAfterConnectGetDisconnect0x81() {
            // v5 4.13: Remaining Length over 4 bytes is malformed [MQTT-1.5.5-1] -> DISCONNECT 0x81, close.
            Client c = connected(V5, "dev-1");
            c.sendRaw(new byte[]{(byte) 0xC0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01});
            assertDisconnected(c, 0x81);
            assertThat(broker.stats.malformedPackets.sum()).isEqualTo(1);
        }

        @Test
        void v3MalformedBytesAfterConnectCloseSilently() {
            // v3.1.1 4.8: close the network connection.
            Client c = connected(V3, "dev-1");
            c.sendRaw(new byte[]{(byte) 0xC0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01});
            assertClosedSilently(c);
        }

        @Test
        void v5SecondConnectGetsDisconnect0x82() {
            // [MQTT-3.1.0-2]: a second CONNECT is a Protocol Error.
            Client c = connected(V5, "dev-1");
            c.send(c.connectBuilder("dev-1").build());
            assertDisconnected(c, 0x82);
        }

        @Test
        void v3SecondConnectClosesSilently() {
            // [MQTT-3.1.0-2]
            Client c = connected(V3, "dev-1");
            c.send(c.connectBuilder("dev-1").build());
            assertClosedSilently(c);
        }

        @Test
        void v5AuthPacketGetsDisconnect0x82() {
            // [MQTT-4.12.0-1]: AUTH without an Authentication Method in CONNECT is a Protocol Error.
            Client c = connected(V5, "dev-1");
            c.send(new MqttMessage(new MqttFixedHeader(MqttMessageType.AUTH, false, MqttQoS.AT_MOST_ONCE, false, 0),
                    new MqttReasonCodeAndPropertiesVariableHeader((byte) 0x18,
                            stringProp(MqttPropertyType.AUTHENTICATION_METHOD, "SCRAM-SHA-1"))));
            assertDisconnected(c, 0x82);
        }

        @Test
        void v5SubscriptionIdentifierZeroGetsDisconnect0x82() {
            // [MQTT-3.8.2-...] v5 3.8.2.1.2: Subscription Identifier 0 is a Protocol Error.
            Client c = connected(V5, "dev-1");
            MqttMessage reply = subscribe(c, "a/b", MqttSubscriptionOption.onlyFromQos(MqttQoS.AT_LEAST_ONCE),
                    props(MqttPropertyType.SUBSCRIPTION_IDENTIFIER, 0));
            assertThat(reply).isNotNull();
            assertThat(reply.fixedHeader().messageType()).isEqualTo(MqttMessageType.DISCONNECT);
            assertThat(reason(reply)).isEqualTo(0x82);
            assertThat(c.isOpen()).isFalse();
        }

        @Test
        void v5NoLocalOnASharedSubscriptionGetsDisconnect0x82() {
            // [MQTT-3.8.3-4]: No Local on a shared subscription is a Protocol Error.
            Client c = connected(V5, "dev-1");
            MqttMessage reply = subscribe(c, "$share/g/a/b", new MqttSubscriptionOption(MqttQoS.AT_LEAST_ONCE,
                    true, false, MqttSubscriptionOption.RetainedHandlingPolicy.SEND_AT_SUBSCRIBE), null);
            assertThat(reply).isNotNull();
            assertThat(reply.fixedHeader().messageType()).isEqualTo(MqttMessageType.DISCONNECT);
            assertThat(reason(reply)).isEqualTo(0x82);
            assertThat(c.isOpen()).isFalse();
        }

        @Test
        void v5DisconnectSettingSessionExpiryAfterZeroAtConnectGetsDisconnect0x82AndPublishesTheWill() {
            // [MQTT-3.14.2-2]: Session Expiry 0 at CONNECT cannot become non-zero at DISCONNECT; not a normal
            // disconnect, so the will is published [MQTT-3.1.2-8].
            use(EmbeddedBroker.defaults());
            Client c = broker.client(V5);
            c.connect(c.connectBuilder("dev-1").willFlag(true).willTopic("dev/1/status")
                    .willMessage("offline".getBytes(StandardCharsets.UTF_8)).willQoS(MqttQoS.AT_MOST_ONCE).build());
            c.send(new MqttMessage(new MqttFixedHeader(MqttMessageType.DISCONNECT, false, MqttQoS.AT_MOST_ONCE,
                    false, 0), new MqttReasonCodeAndPropertiesVariableHeader((byte) 0,
                    props(MqttPropertyType.SESSION_EXPIRY_INTERVAL, 60))));
            assertDisconnected(c, 0x82);
            assertThat(broker.wills).extracting(w -> w.topic()).containsExactly("dev/1/status");
        }

        @Test
        void normalDisconnectDiscardsTheWill() {
            // [MQTT-3.1.2-10]: DISCONNECT 0x00 -> will deleted, not published.
            use(EmbeddedBroker.defaults());
            Client c = broker.client(V5);
            c.connect(c.connectBuilder("dev-1").willFlag(true).willTopic("dev/1/status")
                    .willMessage("offline".getBytes(StandardCharsets.UTF_8)).willQoS(MqttQoS.AT_MOST_ONCE).build());
            c.send(new MqttMessage(new MqttFixedHeader(MqttMessageType.DISCONNECT, false, MqttQoS.AT_MOST_ONCE,
                    false, 0), new MqttReasonCodeAndPropertiesVariableHeader((byte) 0, MqttProperties.NO_PROPERTIES)));
            assertClosedSilently(c);
            assertThat(broker.wills).isEmpty();
        }

        @Test
        void disconnectWithWillMessageReasonPublishesTheWill() {
            // v5 3.14.2.1: 0x04 Disconnect with Will Message.
            use(EmbeddedBroker.defaults());
            Client c = broker.client(V5);
            c.connect(c.connectBuilder("dev-1").willFlag(true).willTopic("dev/1/status")
                    .willMessage("offline".getBytes(StandardCharsets.UTF_8)).willQoS(MqttQoS.AT_MOST_ONCE).build());
            c.send(new MqttMessage(new MqttFixedHeader(MqttMessageType.DISCONNECT, false, MqttQoS.AT_MOST_ONCE,
                    false, 0), new MqttReasonCodeAndPropertiesVariableHeader((byte) 0x04,
                    MqttProperties.NO_PROPERTIES)));
            assertClosedSilently(c);
            assertThat(broker.wills).extracting(w -> w.topic()).containsExactly("dev/1/status");
        }

        @Test
        void v5MoreInboundQos2ThanReceiveMaximumGetsDisconnect0x93() {
            // [MQTT-3.3.4-9]: more unacknowledged QoS 2 PUBLISHes than the server's Receive Maximum -> 0x93.
            use(EmbeddedBroker.withMqtt(m -> m.set(x -> x.receiveMaximum = 2)));
            Client c = connected(V5, "dev-1");
            c.publish("a/b", 2, false, false, 1, null, "1");
            c.publish("a/b", 2, false, false, 2, null, "2");
            List<MqttMessage> recs = c.received();
            assertThat(recs).extracting(m -> m.fixedHeader().messageType())
                    .containsExactly(MqttMessageType.PUBREC, MqttMessageType.PUBREC);
            c.publish("a/b", 2, false, false, 3, null, "3");
            assertDisconnected(c, 0x93);
        }

        @Test
        void inboundQos2WithinReceiveMaximumAfterPubrelIsAccepted() {
            // Releasing with PUBREL frees a slot [MQTT-4.3.3-11].
            use(EmbeddedBroker.withMqtt(m -> m.set(x -> x.receiveMaximum = 1)));
            Client c = connected(V5, "dev-1");
            c.publish("a/b", 2, false, false, 1, null, "1");
            c.ack(MqttMessageType.PUBREL, 1);
            c.publish("a/b", 2, false, false, 2, null, "2");
            assertThat(c.received()).extracting(m -> m.fixedHeader().messageType())
                    .containsExactly(MqttMessageType.PUBREC, MqttMessageType.PUBCOMP, MqttMessageType.PUBREC);
            assertThat(c.isOpen()).isTrue();
        }

        @Test
        void v5TopicAliasZeroGetsDisconnect0x94() {
            // [MQTT-3.3.2-8]: Topic Alias 0 -> Topic Alias invalid.
            Client c = connected(V5, "dev-1");
            c.publish("a/b", 0, false, false, 0, props(MqttPropertyType.TOPIC_ALIAS, 0), "x");
            assertDisconnected(c, 0x94);
        }

        @Test
        void v5TopicAliasAboveTopicAliasMaximumGetsDisconnect0x94() {
            // [MQTT-3.3.2-9]: alias greater than the Topic Alias Maximum the server sent in CONNACK.
            use(EmbeddedBroker.withMqtt(m -> m.set(x -> x.topicAliasMaximum = 4)));
            Client c = connected(V5, "dev-1");
            c.publish("a/b", 0, false, false, 0, props(MqttPropertyType.TOPIC_ALIAS, 5), "x");
            assertDisconnected(c, 0x94);
        }

        @Test
        void v5TopicAliasWithinMaximumIsRemembered() {
            // [MQTT-3.3.2-12]: the alias set with a topic may then be used with an empty topic.
            Client c = connected(V5, "dev-1");
            Client sub = connected(V5, "sub");
            assertThat(subackCodes(sub, "a/b", 0)).containsExactly(0);
            c.publish("a/b", 0, false, false, 0, props(MqttPropertyType.TOPIC_ALIAS, 3), "one");
            c.publish("", 0, false, false, 0, props(MqttPropertyType.TOPIC_ALIAS, 3), "two");
            assertThat(c.isOpen()).isTrue();
            assertThat(sub.received()).extracting(m -> ((MqttPublishMessage) m).variableHeader().topicName())
                    .containsExactly("a/b", "a/b");
        }

        @Test
        void v5PacketLargerThanMaximumPacketSizeGetsDisconnect0x95() {
            // [MQTT-3.1.2-24]/v5 4.13: packet over the server's Maximum Packet Size -> Packet too large.
            use(EmbeddedBroker.withMqtt(m -> m.set(x -> x.maxPacketSize = 128)));
            Client c = connected(V5, "dev-1");
            c.publish("a/b", 0, false, false, 0, null, "x".repeat(200));
            assertDisconnected(c, 0x95);
        }

        @Test
        void v3PacketLargerThanMaximumPacketSizeClosesSilently() {
            use(EmbeddedBroker.withMqtt(m -> m.set(x -> x.maxPacketSize = 128)));
            Client c = connected(V3, "dev-1");
            c.publish("a/b", 0, false, false, 0, null, "x".repeat(200));
            assertClosedSilently(c);
        }

        @Test
        void v5KeepAliveTimeoutGetsDisconnect0x8D() {
            // [MQTT-3.1.2-22]: nothing received for 1.5 x keep alive -> Keep Alive timeout.
            use(EmbeddedBroker.defaults());
            Client c = broker.client(V5);
            c.connect(c.connectBuilder("dev-1").keepAlive(10).build());
            IdleStateHandler idle = (IdleStateHandler) c.channel.pipeline().get(ChannelHandlerNames.KEEP_ALIVE);
            assertThat(idle).as("keep-alive handler added after CONNECT").isNotNull();
            assertThat(idle.getReaderIdleTimeInMillis()).isEqualTo(15_000);
            c.channel.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
            assertDisconnected(c, 0x8D);
        }

        @Test
        void v3KeepAliveTimeoutClosesSilently() {
            // [MQTT-3.1.2-24] (3.1.1): close the network connection, no packet.
            use(EmbeddedBroker.defaults());
            Client c = broker.client(V3);
            c.connect(c.connectBuilder("dev-1").keepAlive(10).build());
            c.channel.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
            assertClosedSilently(c);
        }

        @Test
        void keepAliveZeroAddsNoIdleHandlerForV3() {
            // [MQTT-3.1.2-...]: keep alive 0 turns the mechanism off (v3; v5 gets a Server Keep Alive instead).
            Client c = connected(V3, "dev-1");
            assertThat(c.channel.pipeline().get(ChannelHandlerNames.KEEP_ALIVE)).isNull();
        }

        @Test
        void v5PublishQosAboveMaximumQosGetsDisconnect0x9B() {
            // [MQTT-3.2.2-11]: PUBLISH with QoS above the Maximum QoS in CONNACK -> QoS not supported.
            use(EmbeddedBroker.withMqtt(m -> m.set(x -> x.maxQos = 1)));
            Client c = connected(V5, "dev-1");
            c.publish("a/b", 2, false, false, 1, null, "x");
            assertDisconnected(c, 0x9B);
        }

        @Test
        void v5PublishWithRetainWhenRetainIsUnavailableGetsDisconnect0x9A() {
            // [MQTT-3.2.2-14]: RETAIN 1 when Retain Available is 0 -> Retain not supported.
            use(EmbeddedBroker.withMqtt(m -> m.set(x -> x.retainAvailable = false)));
            Client c = connected(V5, "dev-1");
            c.publish("a/b", 0, true, false, 0, null, "x");
            assertDisconnected(c, 0x9A);
        }

        @Test
        void v5PublishTopicWithWildcardGetsDisconnect0x82() {
            // [MQTT-3.3.2-2]: the decoder refuses a wildcard topic name: Protocol Error.
            Client c = connected(V5, "dev-1");
            c.publish("a/+", 0, false, false, 0, null, "x");
            assertDisconnected(c, 0x82);
        }

        @Test
        void v5SessionTakeoverGetsDisconnect0x8EOnTheOldConnection() {
            // [MQTT-3.1.4-3]: the existing connection is closed; v5 reason Session taken over.
            Client first = connected(V5, "dev-1");
            Client second = connected(V5, "dev-1");
            assertDisconnected(first, 0x8E);
            assertThat(second.isOpen()).isTrue();
        }

        @Test
        void v3SessionTakeoverClosesTheOldConnectionSilently() {
            // [MQTT-3.1.4-2] (3.1.1)
            Client first = connected(V3, "dev-1");
            Client second = connected(V3, "dev-1");
            assertClosedSilently(first);
            assertThat(second.isOpen()).isTrue();
        }
    }

    // =================================================================== further paths

    @Nested
    class FurtherPaths {

        @Test
        void v5MalformedConnectGetsConnack0x81() {
            // [MQTT-3.1.2-3]: CONNECT reserved flag must be 0, else Malformed; v5 knows the version by then, so
            // CONNACK 0x81 then close [MQTT-3.2.2-7].
            use(EmbeddedBroker.defaults());
            Client c = broker.client(V5);
            c.sendRaw(new byte[]{0x10, 0x0F, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x03, 0x00, 0x3C, 0x00,
                    0x00, 0x02, 'c', '1'});
            MqttConnAckMessage ack = (MqttConnAckMessage) c.expectOnly(MqttMessageType.CONNACK);
            assertThat(connackCode(ack)).isEqualTo(0x81);
            assertThat(c.isOpen()).isFalse();
        }

        @Test
        void v5PublishWithAnAliasThatWasNeverSetGetsDisconnect0x82() {
            // v5 3.3.2.3.4: an empty topic with an alias that has no mapping is a Protocol Error.
            Client c = connected(V5, "dev-1");
            c.publish("", 0, false, false, 0, props(MqttPropertyType.TOPIC_ALIAS, 2), "x");
            assertDisconnected(c, 0x82);
        }

        @Test
        void v5PublishWithAWildcardResponseTopicGetsDisconnect0x82() {
            // [MQTT-3.3.2-14]: the Response Topic must be a topic name.
            Client c = connected(V5, "dev-1");
            c.publish("a/b", 0, false, false, 0, stringProp(MqttPropertyType.RESPONSE_TOPIC, "r/#"), "x");
            assertDisconnected(c, 0x82);
        }
        @Test
        void v5PublishWithEmptyTopicAndNoAliasGetsDisconnect0x82() {
            // v5 3.3.2.3.4: "It is a Protocol Error if the Topic Name is zero length and there is no Topic Alias."
            Client c = connected(V5, "dev-1");
            c.publish("", 0, false, false, 0, null, "x");
            assertDisconnected(c, 0x82);
        }
        @Test
        void qos2PublishRefusedWith0x93IsRoutedWhenResentAfterReconnect() {
            // [MQTT-4.4.0-1]: the client re-sends the unacknowledged PUBLISH on the resumed session; the broker
            // never accepted it (it disconnected with 0x93 before routing), so it must be routed, not treated as a
            // duplicate [MQTT-4.3.3-9].
            use(EmbeddedBroker.withMqtt(m -> m.set(x -> x.receiveMaximum = 1)));
            Client sub = connected(V5, "sub");
            subackCodes(sub, "a/b", 0);
            MqttProperties expiry = props(MqttPropertyType.SESSION_EXPIRY_INTERVAL, 600);
            Client c = broker.client(V5);
            c.connect(c.connectBuilder("dev-1").cleanSession(false).properties(expiry).build());
            c.publish("a/b", 2, false, false, 1, null, "first");
            c.publish("a/b", 2, false, false, 2, null, "second");
            assertThat(c.received()).extracting(m -> m.fixedHeader().messageType())
                    .containsExactly(MqttMessageType.PUBREC, MqttMessageType.DISCONNECT);
            assertThat(sub.received()).hasSize(1);

            Client again = broker.client(V5);
            MqttConnAckMessage ack = again.connect(again.connectBuilder("dev-1").cleanSession(false)
                    .properties(expiry).build());
            assertThat(ack.variableHeader().isSessionPresent()).isTrue();
            again.ack(MqttMessageType.PUBREL, 1);            // completes "first"
            again.publish("a/b", 2, false, true, 2, null, "second"); // re-sent, DUP=1
            assertThat(again.received()).extracting(m -> m.fixedHeader().messageType())
                    .containsExactly(MqttMessageType.PUBCOMP, MqttMessageType.PUBREC);
            assertThat(sub.received()).as("\"second\" reaches the subscriber once").hasSize(1);
        }
        @Test
        void takeoverWithCleanStartPublishesTheOldConnectionsDelayedWill() {
            // v5 3.1.2.5 / [MQTT-3.1.3-9]: the will is published when the Will Delay Interval passes or the
            // session ends, whichever is first. Clean Start 1 ends the old session, so its will is due.
            use(EmbeddedBroker.defaults());
            Client first = broker.client(V5);
            MqttProperties willProps = props(MqttPropertyType.WILL_DELAY_INTERVAL, 30);
            first.connect(first.connectBuilder("dev-1").cleanSession(false)
                    .properties(props(MqttPropertyType.SESSION_EXPIRY_INTERVAL, 600))
                    .willFlag(true).willTopic("dev/1/status").willQoS(MqttQoS.AT_MOST_ONCE)
                    .willMessage("offline".getBytes(StandardCharsets.UTF_8)).willProperties(willProps).build());
            Client second = broker.client(V5);
            MqttConnAckMessage ack = second.connect(second.connectBuilder("dev-1").cleanSession(true).build());
            assertThat(ack.variableHeader().isSessionPresent()).isFalse();
            assertDisconnected(first, 0x8E);
            assertThat(broker.wills).extracting(w -> w.topic()).containsExactly("dev/1/status");
        }
    }

    // =================================================================== PUBLISH acknowledgements

    @Nested
    class PublishAcks {

        @Test
        void v5Qos1PublishWithoutSubscribersGetsPuback0x10() {
            // v5 3.4.2.1: No matching subscribers.
            Client c = connected(V5, "dev-1");
            c.publish("a/b", 1, false, false, 7, null, "x");
            MqttMessage ack = c.expectOnly(MqttMessageType.PUBACK);
            assertThat(reason(ack)).isEqualTo(0x10);
        }

        @Test
        void v5Qos1PublishWithASubscriberGetsPuback0x00() {
            // [MQTT-4.3.2-4]
            Client sub = connected(V5, "sub");
            assertThat(subackCodes(sub, "a/#", 1)).containsExactly(1);
            Client c = connected(V5, "dev-1");
            c.publish("a/b", 1, false, false, 7, null, "x");
            MqttMessage ack = c.expectOnly(MqttMessageType.PUBACK);
            assertThat(reason(ack)).isZero();
            MqttPublishMessage delivered = (MqttPublishMessage) sub.expectOnly(MqttMessageType.PUBLISH);
            assertThat(delivered.variableHeader().topicName()).isEqualTo("a/b");
            assertThat(delivered.fixedHeader().qosLevel()).isEqualTo(MqttQoS.AT_LEAST_ONCE);
        }

        @Test
        void v5Qos1PublishToSysGetsPuback0x87() {
            // $SYS is the broker's namespace (v5 3.4.2.1 Not authorized).
            Client c = connected(V5, "dev-1");
            c.publish("$SYS/broker/version", 1, false, false, 9, null, "x");
            MqttMessage ack = c.expectOnly(MqttMessageType.PUBACK);
            assertThat(reason(ack)).isEqualTo(0x87);
            assertThat(c.isOpen()).isTrue();
        }

        @Test
        void v3Qos1PublishGetsAPubackWithoutReasonCode() {
            // v3.1.1 3.4: PUBACK carries only the packet id.
            Client c = connected(V3, "dev-1");
            c.publish("a/b", 1, false, false, 7, null, "x");
            MqttMessage ack = c.expectOnly(MqttMessageType.PUBACK);
            assertThat(reason(ack)).isZero();
        }

        @Test
        void v5Qos2PublishWithoutSubscribersGetsPubrec0x10() {
            // v5 3.5.2.1
            Client c = connected(V5, "dev-1");
            c.publish("a/b", 2, false, false, 5, null, "x");
            MqttMessage rec = c.expectOnly(MqttMessageType.PUBREC);
            assertThat(reason(rec)).isEqualTo(0x10);
        }

        @Test
        void resentQos2PublishBeforePubrelIsAcknowledgedButNotRoutedAgain() {
            // [MQTT-4.3.3-9]
            Client sub = connected(V5, "sub");
            subackCodes(sub, "a/b", 0);
            Client c = connected(V5, "dev-1");
            c.publish("a/b", 2, false, false, 5, null, "x");
            c.publish("a/b", 2, false, true, 5, null, "x");
            assertThat(c.received()).extracting(m -> m.fixedHeader().messageType())
                    .containsExactly(MqttMessageType.PUBREC, MqttMessageType.PUBREC);
            assertThat(sub.received()).hasSize(1);
        }

        @Test
        void messageLargerThanTheClientsMaximumPacketSizeIsDroppedNotKeptInflight() {
            // [MQTT-3.1.2-25]: never send a packet larger than the client's Maximum Packet Size; discard it.
            use(EmbeddedBroker.defaults());
            Client sub = broker.client(V5);
            sub.connect(sub.connectBuilder("sub").properties(props(MqttPropertyType.MAXIMUM_PACKET_SIZE, 64))
                    .build());
            subackCodes(sub, "a/b", 1);
            Client pub = connected(V5, "pub");
            pub.publish("a/b", 1, false, false, 1, null, "x".repeat(100));
            pub.publish("a/b", 1, false, false, 2, null, "small");
            assertThat(sub.received()).extracting(m -> ((MqttPublishMessage) m).variableHeader().topicName())
                    .as("only the small one").containsExactly("a/b");
            assertThat(broker.stats.messagesDropped()).isEqualTo(1);
            assertThat(broker.store.get("sub").inflightCount()).isEqualTo(1);
        }

        @Test
        void v5PubrelForUnknownPacketIdGetsPubcomp0x92() {
            // v5 3.7.2.1: Packet Identifier not found.
            Client c = connected(V5, "dev-1");
            c.ack(MqttMessageType.PUBREL, 42);
            MqttMessage comp = c.expectOnly(MqttMessageType.PUBCOMP);
            assertThat(reason(comp)).isEqualTo(0x92);
            assertThat(c.isOpen()).isTrue();
        }

        @Test
        void v5PubrelForKnownPacketIdGetsPubcomp0x00() {
            // [MQTT-4.3.3-11]
            Client c = connected(V5, "dev-1");
            c.publish("a/b", 2, false, false, 5, null, "x");
            c.received();
            c.ack(MqttMessageType.PUBREL, 5);
            assertThat(reason(c.expectOnly(MqttMessageType.PUBCOMP))).isZero();
        }

        @Test
        void v3PubrelForUnknownPacketIdGetsPlainPubcomp() {
            // v3.1.1 has no reason codes: PUBCOMP is sent anyway.
            Client c = connected(V3, "dev-1");
            c.ack(MqttMessageType.PUBREL, 42);
            assertThat(reason(c.expectOnly(MqttMessageType.PUBCOMP))).isZero();
        }

        @Test
        void v5PubrecForUnknownPacketIdGetsPubrel0x92() {
            // v5 3.6.2.1: Packet Identifier not found.
            Client c = connected(V5, "dev-1");
            c.ack(MqttMessageType.PUBREC, 42);
            MqttMessage rel = c.expectOnly(MqttMessageType.PUBREL);
            assertThat(reason(rel)).isEqualTo(0x92);
            assertThat(c.isOpen()).isTrue();
        }

        @Test
        void v5PubrecWithFailureReasonForUnknownPacketIdGetsNoReply() {
            // A failed PUBREC ends the flow: nothing to release [MQTT-4.3.3-...].
            Client c = connected(V5, "dev-1");
            c.ack(MqttMessageType.PUBREC, 42, (byte) 0x80);
            assertThat(c.received()).isEmpty();
            assertThat(c.isOpen()).isTrue();
        }

        @Test
        void outboundQos2FlowPubrecGetsPubrelAndPubcompCompletesIt() {
            // [MQTT-4.3.3-4]..[MQTT-4.3.3-6]
            Client sub = connected(V5, "sub");
            subackCodes(sub, "a/b", 2);
            Client pub = connected(V5, "pub");
            pub.publish("a/b", 2, false, false, 1, null, "x");
            MqttPublishMessage p = (MqttPublishMessage) sub.expectOnly(MqttMessageType.PUBLISH);
            int id = p.variableHeader().packetId();
            sub.ack(MqttMessageType.PUBREC, id);
            MqttMessage rel = sub.expectOnly(MqttMessageType.PUBREL);
            assertThat(reason(rel)).isZero();
            sub.ack(MqttMessageType.PUBCOMP, id);
            assertThat(sub.received()).isEmpty();
            assertThat(broker.store.get("sub").inflightCount()).isZero();
        }
    }

    // =================================================================== SUBSCRIBE / UNSUBSCRIBE

    @Nested
    class SubscribeAcks {

        @Test
        void v5InvalidTopicFilterGetsSuback0x8F() {
            // [MQTT-4.7.1-2]: '#' must be last -> Topic Filter invalid.
            Client c = connected(V5, "dev-1");
            assertThat(subackCodes(c, "a/#/b", 1)).containsExactly(0x8F);
            assertThat(c.isOpen()).isTrue();
        }

        @Test
        void v3InvalidTopicFilterGetsSuback0x80() {
            // [MQTT-3.9.3-2]: v3.1.1 failure return code 0x80.
            Client c = connected(V3, "dev-1");
            assertThat(subackCodes(c, "a/b#", 1)).containsExactly(0x80);
        }

        @Test
        void v5SharedSubscriptionWhenUnavailableGetsSuback0x9E() {
            // v5 3.9.3: Shared Subscriptions not supported.
            use(EmbeddedBroker.withMqtt(m -> m.set(x -> x.sharedSubscriptionAvailable = false)));
            Client c = connected(V5, "dev-1");
            assertThat(subackCodes(c, "$share/g/a/b", 1)).containsExactly(0x9E);
        }

        @Test
        void v5SubscriptionIdentifierWhenUnavailableGetsSuback0xA1() {
            // v5 3.9.3: Subscription Identifiers not supported.
            use(EmbeddedBroker.withMqtt(m -> m.set(x -> x.subscriptionIdentifiersAvailable = false)));
            Client c = connected(V5, "dev-1");
            MqttMessage m = subscribe(c, "a/b", MqttSubscriptionOption.onlyFromQos(MqttQoS.AT_LEAST_ONCE),
                    props(MqttPropertyType.SUBSCRIPTION_IDENTIFIER, 7));
            assertThat(((MqttSubAckMessage) m).payload().reasonCodes()).containsExactly(0xA1);
        }

        @Test
        void v5WildcardWhenUnavailableGetsSuback0xA2() {
            // v5 3.9.3: Wildcard Subscriptions not supported.
            use(EmbeddedBroker.withMqtt(m -> m.set(x -> x.wildcardSubscriptionAvailable = false)));
            Client c = connected(V5, "dev-1");
            assertThat(subackCodes(c, "a/+", 1)).containsExactly(0xA2);
            assertThat(subackCodes(c, "a/b", 1)).containsExactly(1);
        }

        @Test
        void v3WildcardWhenUnavailableGetsSuback0x80() {
            use(EmbeddedBroker.withMqtt(m -> m.set(x -> x.wildcardSubscriptionAvailable = false)));
            Client c = connected(V3, "dev-1");
            assertThat(subackCodes(c, "a/#", 1)).containsExactly(0x80);
        }

        @Test
        void grantedQosIsCappedAtMaximumQos() {
            // [MQTT-3.9.3-...]: the server may grant a lower QoS than requested.
            use(EmbeddedBroker.withMqtt(m -> m.set(x -> x.maxQos = 1)));
            Client c = connected(V5, "dev-1");
            assertThat(subackCodes(c, "a/b", 2)).containsExactly(1);
            assertThat(subackCodes(c, "a/c", 0)).containsExactly(0);
        }

        @Test
        void subackHasOneCodePerFilterInOrder() {
            // [MQTT-3.8.4-6], [MQTT-3.9.3-1]
            Client c = connected(V5, "dev-1");
            c.send(MqttMessageBuilders.subscribe().messageId(3)
                    .addSubscription("a/b", MqttSubscriptionOption.onlyFromQos(MqttQoS.EXACTLY_ONCE))
                    .addSubscription("a/#/b", MqttSubscriptionOption.onlyFromQos(MqttQoS.AT_LEAST_ONCE))
                    .addSubscription("c", MqttSubscriptionOption.onlyFromQos(MqttQoS.AT_MOST_ONCE)).build());
            MqttSubAckMessage ack = (MqttSubAckMessage) c.expectOnly(MqttMessageType.SUBACK);
            assertThat(ack.variableHeader().messageId()).isEqualTo(3);
            assertThat(ack.payload().reasonCodes()).containsExactly(2, 0x8F, 0);
        }

        @Test
        void v5UnsubscribeWithoutSubscriptionGetsUnsuback0x11() {
            // v5 3.11.3: No subscription existed.
            Client c = connected(V5, "dev-1");
            c.send(MqttMessageBuilders.unsubscribe().messageId(4).addTopicFilter("a/b").build());
            MqttUnsubAckMessage ack = (MqttUnsubAckMessage) c.expectOnly(MqttMessageType.UNSUBACK);
            assertThat(ack.payload().unsubscribeReasonCodes()).containsExactly((short) 0x11);
        }

        @Test
        void v5UnsubscribeExistingSubscriptionGetsUnsuback0x00() {
            Client c = connected(V5, "dev-1");
            subackCodes(c, "a/b", 1);
            c.send(MqttMessageBuilders.unsubscribe().messageId(4).addTopicFilter("a/b").build());
            MqttUnsubAckMessage ack = (MqttUnsubAckMessage) c.expectOnly(MqttMessageType.UNSUBACK);
            assertThat(ack.payload().unsubscribeReasonCodes()).containsExactly((short) 0x00);
        }

        @Test
        void v5UnsubscribeInvalidFilterGetsUnsuback0x8F() {
            // v5 3.11.3: Topic Filter invalid.
            Client c = connected(V5, "dev-1");
            c.send(MqttMessageBuilders.unsubscribe().messageId(4).addTopicFilter("a/#/b").build());
            MqttUnsubAckMessage ack = (MqttUnsubAckMessage) c.expectOnly(MqttMessageType.UNSUBACK);
            assertThat(ack.payload().unsubscribeReasonCodes()).containsExactly((short) 0x8F);
        }

        @Test
        void v3UnsubackCarriesOnlyThePacketId() {
            // [MQTT-3.11.2-1]: remaining length 2.
            Client c = connected(V3, "dev-1");
            c.send(MqttMessageBuilders.unsubscribe().messageId(4).addTopicFilter("a/b").build());
            c.channel.runPendingTasks();
            io.netty.buffer.ByteBuf raw = c.channel.readOutbound();
            try {
                assertThat(io.netty.buffer.ByteBufUtil.hexDump(raw)).isEqualTo("b0020004");
            } finally {
                raw.release();
            }
        }

        @Test
        void pingreqGetsPingresp() {
            // [MQTT-3.12.4-1]
            Client c = connected(V5, "dev-1");
            c.send(new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGREQ, false, MqttQoS.AT_MOST_ONCE,
                    false, 0)));
            c.expectOnly(MqttMessageType.PINGRESP);
        }
    }
}
