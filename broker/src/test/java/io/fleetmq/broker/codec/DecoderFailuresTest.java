package io.fleetmq.broker.codec;

import io.fleetmq.broker.codec.DecodeFailure.Action;
import io.fleetmq.broker.codec.DecodeFailure.Kind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.fleetmq.broker.codec.CodecHarness.hex;
import static org.assertj.core.api.Assertions.assertThat;

/** What Netty 4.1.135's MqttDecoder reports for broken input, and how DecoderFailures classifies it. */
class DecoderFailuresTest {

    /** Decodes {@code bytes}, expects exactly one invalid message, returns its cause. */
    private static Throwable failureCause(MqttVersion version, String bytes) {
        List<MqttMessage> out = CodecHarness.decode(version, hex(bytes));
        try {
            assertThat(out).hasSize(1);
            assertThat(out.get(0).decoderResult().isFailure()).isTrue();
            return out.get(0).decoderResult().cause();
        } finally {
            CodecHarness.releaseAll(out);
        }
    }

    private static DecodeFailure failure(MqttVersion version, String bytes) {
        return DecoderFailures.classify(failureCause(version, bytes));
    }

    @Test
    void reservedPacketTypeZeroIsAProtocolError() {
        Throwable cause = failureCause(MqttVersion.MQTT_5, "00 00");
        assertThat(cause).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown message type: 0");
        assertThat(DecoderFailures.classify(cause).kind()).isEqualTo(Kind.PROTOCOL_ERROR);
    }

    @Test
    void authPacketOnAV311ConnectionIsAProtocolError() {
        // Packet type 15 is reserved in 3.1.1 (§2.2.1); Netty only accepts AUTH once the channel is at MQTT 5.
        Throwable cause = failureCause(MqttVersion.MQTT_3_1_1, "F0 00");
        assertThat(cause).isInstanceOf(DecoderException.class).hasMessage("AUTH message requires at least MQTT 5");
        assertThat(DecoderFailures.classify(cause).kind()).isEqualTo(Kind.PROTOCOL_ERROR);
        // With no version set at all, Netty treats the channel as 3.1.1 as well.
        assertThat(failure(null, "F0 00").kind()).isEqualTo(Kind.PROTOCOL_ERROR);
    }

    @Test
    void publishWithQos3IsMalformed() {
        // [MQTT-3.3.1-4]: both QoS bits set is a Malformed Packet.
        Throwable cause = failureCause(MqttVersion.MQTT_5, "36 05 00 01 61 00 01");
        assertThat(cause).isInstanceOf(DecoderException.class).hasMessageContaining("Illegal QOS Level");
        assertThat(DecoderFailures.classify(cause).kind()).isEqualTo(Kind.MALFORMED);
    }

    @Test
    void publishTopicWithWildcardIsAProtocolError() {
        // [MQTT-3.3.2-2]: a Topic Name must not contain wildcards. Topic "a/#".
        Throwable cause = failureCause(MqttVersion.MQTT_3_1_1, "30 05 00 03 61 2F 23");
        assertThat(cause).isInstanceOf(DecoderException.class).hasMessageContaining("invalid publish topic name");
        assertThat(DecoderFailures.classify(cause).kind()).isEqualTo(Kind.PROTOCOL_ERROR);
    }

    @Test
    void remainingLengthWithFiveContinuationBytesIsMalformed() {
        // §2.2.3: the Remaining Length is at most four bytes.
        Throwable cause = failureCause(MqttVersion.MQTT_5, "30 FF FF FF FF 01");
        assertThat(cause).isInstanceOf(DecoderException.class).hasMessageContaining("remaining length exceeds 4 digits");
        assertThat(DecoderFailures.classify(cause).kind()).isEqualTo(Kind.MALFORMED);
    }

    @Test
    void subscribeWithWrongFixedHeaderFlagsIsMalformed() {
        // [MQTT-3.8.1-1]: SUBSCRIBE flags must be 0010; here 0000.
        Throwable cause = failureCause(MqttVersion.MQTT_3_1_1, "80 06 00 01 00 01 61 00");
        assertThat(cause).isInstanceOf(DecoderException.class)
                .hasMessageContaining("Illegal QOS Level in fixed header of SUBSCRIBE");
        assertThat(DecoderFailures.classify(cause).kind()).isEqualTo(Kind.MALFORMED);
    }

    @Test
    void connectWithUnknownProtocolNameIsAnUnsupportedProtocolVersion() {
        // Protocol name "MQTX" level 4 [MQTT-3.1.2-1].
        Throwable cause = failureCause(null, "10 0C 00 04 4D 51 54 58 04 02 00 3C 00 00");
        assertThat(cause).isInstanceOf(MqttUnacceptableProtocolVersionException.class)
                .hasMessage("MQTX and 4 don't match");
        assertThat(DecoderFailures.classify(cause).kind()).isEqualTo(Kind.UNSUPPORTED_PROTOCOL_VERSION);
    }

    @Test
    void connectWithProtocolLevel6IsAnUnsupportedProtocolVersion() {
        // [MQTT-3.1.2-2]: answer CONNACK 0x01 and close.
        Throwable cause = failureCause(null, "10 0C 00 04 4D 51 54 54 06 02 00 3C 00 00");
        assertThat(cause).isInstanceOf(MqttUnacceptableProtocolVersionException.class)
                .hasMessage("MQTT is an unknown protocol name");
        DecodeFailure failure = DecoderFailures.classify(cause);
        assertThat(failure.kind()).isEqualTo(Kind.UNSUPPORTED_PROTOCOL_VERSION);
        assertThat(failure.v3ConnackReturnCode().byteValue()).isEqualTo((byte) 0x01);
        assertThat(failure.v5ReasonCode()).isEqualTo((byte) 0x84);
        DecodeFailure.Response response = failure.response(false, null);
        assertThat(response.action()).isEqualTo(Action.CONNACK_THEN_CLOSE);
        assertThat(response.code()).isEqualTo((byte) 0x01);
        assertThat(response.version()).isEqualTo(MqttVersion.MQTT_3_1_1);
    }

    @Test
    void mqtt31ClientIdLongerThan23IsRejected() {
        // MQTT 3.1 "MQIsdp" level 3, client id of 24 'a's: Netty's default maxClientIdLength is 23.
        Throwable cause = failureCause(null, "10 26 00 06 4D 51 49 73 64 70 03 02 00 3C 00 18" + "61".repeat(24));
        assertThat(cause).isInstanceOf(MqttIdentifierRejectedException.class)
                .hasMessageContaining("invalid clientIdentifier");
        DecodeFailure failure = DecoderFailures.classify(cause);
        assertThat(failure.kind()).isEqualTo(Kind.CLIENT_ID_REJECTED);
        assertThat(failure.v3ConnackReturnCode().byteValue()).isEqualTo((byte) 0x02);
        assertThat(failure.v5ReasonCode()).isEqualTo((byte) 0x85);
        assertThat(failure.response(false, MqttVersion.MQTT_3_1).action()).isEqualTo(Action.CONNACK_THEN_CLOSE);
    }

    @Test
    void connectWithReservedFlagSetIsMalformed() {
        // [MQTT-3.1.2-3]: flags 0x03 has the reserved bit 0 set.
        Throwable cause = failureCause(null, "10 0C 00 04 4D 51 54 54 04 03 00 3C 00 00");
        assertThat(cause).hasMessage("non-zero reserved flag");
        assertThat(DecoderFailures.classify(cause).kind()).isEqualTo(Kind.MALFORMED);
    }

    @Test
    void afterAFailureTheDecoderDiscardsEverythingThatFollows() {
        // A valid PINGREQ (C0 00) behind the broken packet produces nothing: the decoder never recovers,
        // so the connection must be closed.
        List<MqttMessage> out = CodecHarness.decode(MqttVersion.MQTT_3_1_1, CodecHarness.DEFAULT_MAX,
                List.of(hex("00 00"), hex("C0 00"), hex("C0 00")));
        try {
            assertThat(out).hasSize(1);
            assertThat(out.get(0).decoderResult().isFailure()).isTrue();
            assertThat(out.get(0).fixedHeader()).as("the fixed header itself failed").isNull();
        } finally {
            CodecHarness.releaseAll(out);
        }
    }

    @Test
    void remainingLengthAboveMaximumIsReportedAtOnceAndTheBodyIsDiscardedNotBuffered() {
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(alloc);
        channel.pipeline().addLast(new MqttDecoder(1024));
        MqttVersions.set(channel, MqttVersion.MQTT_3_1_1);
        try {
            int claimed = 200 * 1024 * 1024;
            // PUBLISH QoS 0, Remaining Length 209715200 = 80 80 80 64, topic "a/b".
            ByteBuf header = alloc.buffer();
            header.writeBytes(hex("30 80 80 80 64 00 03 61 2F 62"));
            channel.writeInbound(header);
            MqttMessage message = channel.readInbound();
            assertThat(message).as("reported before the body arrives").isNotNull();
            try {
                assertThat(message.decoderResult().cause()).isInstanceOf(TooLongFrameException.class)
                        .hasMessage("message length exceeds 1024: " + claimed);
                assertThat(message.fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBLISH);
                assertThat(message.fixedHeader().remainingLength()).isEqualTo(claimed);
                // The variable header was complete, so Netty decoded it before checking the size.
                assertThat(((MqttPublishVariableHeader) message.variableHeader()).topicName()).isEqualTo("a/b");
                DecodeFailure failure = DecoderFailures.of(message);
                assertThat(failure.kind()).isEqualTo(Kind.PACKET_TOO_LARGE);
                assertThat(failure.v5ReasonCode()).isEqualTo((byte) 0x95);
                assertThat(failure.v5DisconnectReason().byteValue()).isEqualTo((byte) 0x95);
                assertThat(failure.response(true, MqttVersion.MQTT_3_1_1).action()).isEqualTo(Action.CLOSE);
                assertThat(failure.response(true, MqttVersion.MQTT_5).action())
                        .isEqualTo(Action.DISCONNECT_THEN_CLOSE);
            } finally {
                ReferenceCountUtil.release(message);
            }
            assertThat(header.refCnt()).as("header bytes not retained").isZero();

            // Stream 4 MiB of the claimed body: every chunk is consumed and freed, nothing accumulates.
            for (int i = 0; i < 64; i++) {
                ByteBuf chunk = alloc.buffer(65536);
                chunk.writeZero(65536);
                channel.writeInbound(chunk);
                assertThat(chunk.refCnt()).isZero();
                assertThat((Object) channel.readInbound()).isNull();
                assertThat(alloc.metric().usedHeapMemory()).isLessThan(1024 * 1024);
            }
        } finally {
            channel.finishAndReleaseAll();
        }
        assertThat(alloc.metric().usedHeapMemory()).isZero();
    }

    @Test
    void remainingLengthAboveMaximumIsReportedFromTheFixedHeaderAlone() {
        // Only the 5 fixed-header bytes: the variable header is incomplete, Netty still fails immediately.
        List<MqttMessage> out = CodecHarness.decode(MqttVersion.MQTT_5, 1024, List.of(hex("30 80 80 80 64")));
        try {
            assertThat(out).hasSize(1);
            assertThat(out.get(0).decoderResult().cause()).isInstanceOf(TooLongFrameException.class);
        } finally {
            CodecHarness.releaseAll(out);
        }
    }

    @Test
    void responsesFollowTheConnectionPhaseAndVersion() {
        DecodeFailure malformed = new DecodeFailure(Kind.MALFORMED, "x");
        // v5 CONNECT that fails: CONNACK 0x81 then close (§4.13).
        assertThat(malformed.response(false, MqttVersion.MQTT_5))
                .isEqualTo(new DecodeFailure.Response(Action.CONNACK_THEN_CLOSE, (byte) 0x81, MqttVersion.MQTT_5));
        // v3 CONNECT that is malformed: just close (3.1.1 §4.8).
        assertThat(malformed.response(false, MqttVersion.MQTT_3_1_1).action()).isEqualTo(Action.CLOSE);
        // Unknown version (not even the CONNECT header decoded): close.
        assertThat(malformed.response(false, null).action()).isEqualTo(Action.CLOSE);
        // Later packet on v5: DISCONNECT 0x81 [MQTT-4.13.1-1].
        assertThat(malformed.response(true, MqttVersion.MQTT_5))
                .isEqualTo(new DecodeFailure.Response(Action.DISCONNECT_THEN_CLOSE, (byte) 0x81, MqttVersion.MQTT_5));
        // A second CONNECT with a bad id after acceptance: protocol error [MQTT-3.1.0-2].
        assertThat(new DecodeFailure(Kind.CLIENT_ID_REJECTED, "").response(true, MqttVersion.MQTT_5).code())
                .isEqualTo((byte) 0x82);
        assertThat(new DecodeFailure(Kind.PACKET_TOO_LARGE, "").response(false, MqttVersion.MQTT_5).code())
                .isEqualTo((byte) 0x95);
    }

    @Test
    void successfulMessagesHaveNoFailure() {
        MqttMessage ping = CodecHarness.decodeOne(MqttVersion.MQTT_3_1_1, hex("C0 00"));
        assertThat(DecoderFailures.of(ping)).isNull();
    }
}
