package io.fleetmq.broker.codec;

import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttReasonCodes;
import io.netty.handler.codec.mqtt.MqttVersion;

/**
 * Why Netty's {@code MqttDecoder} could not decode a packet, reduced to what the broker has to send back.
 * Produced by {@link DecoderFailures#classify(Throwable)}.
 *
 * <p>After any failure the decoder is in its {@code BAD_MESSAGE} state and discards every further byte, so the
 * connection must always be closed (it never recovers). What to send first depends on whether the failure
 * happened on the CONNECT packet and on the protocol version: see {@link #response(boolean, MqttVersion)}.
 *
 * @param kind   the category
 * @param reason the decoder's message, for logs and (v5) a Reason String
 */
public record DecodeFailure(Kind kind, String reason) {

    public enum Kind {
        /** Remaining Length above the decoder's maxBytesInMessage. v5 0x95. */
        PACKET_TOO_LARGE((byte) 0x95, null),
        /** CONNECT with unknown protocol name or level. CONNACK v3 0x01, v5 0x84. */
        UNSUPPORTED_PROTOCOL_VERSION((byte) 0x84, MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION),
        /** CONNECT whose client identifier the decoder refused. CONNACK v3 0x02, v5 0x85. */
        CLIENT_ID_REJECTED((byte) 0x85, MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED),
        /** Parsed, but breaks a protocol rule. v5 0x82. */
        PROTOCOL_ERROR((byte) 0x82, null),
        /** Cannot be parsed according to the spec. v5 0x81. */
        MALFORMED((byte) 0x81, null);

        private final byte v5ReasonCode;
        private final MqttConnectReturnCode v3ConnackReturnCode;

        Kind(byte v5ReasonCode, MqttConnectReturnCode v3ConnackReturnCode) {
            this.v5ReasonCode = v5ReasonCode;
            this.v3ConnackReturnCode = v3ConnackReturnCode;
        }
    }

    /** What to write before closing the connection. */
    public enum Action {
        /** Write a CONNACK with {@link Response#code()} and close. */
        CONNACK_THEN_CLOSE,
        /** MQTT 5 only: write a DISCONNECT with {@link Response#code()} and close. */
        DISCONNECT_THEN_CLOSE,
        /** Close without writing anything. */
        CLOSE
    }

    /**
     * @param action  what to send
     * @param code    the CONNACK return / reason code or DISCONNECT reason code; 0 for {@link Action#CLOSE}
     * @param version the protocol version whose CONNACK/DISCONNECT format to use; {@code null} for CLOSE
     */
    public record Response(Action action, byte code, MqttVersion version) {
    }

    public DecodeFailure {
        if (kind == null) {
            throw new IllegalArgumentException("kind");
        }
        reason = reason == null ? "" : reason;
    }

    /** The MQTT 5 reason code (for CONNACK or DISCONNECT) of this failure. */
    public byte v5ReasonCode() {
        return kind.v5ReasonCode;
    }

    /**
     * The MQTT 3.1/3.1.1 CONNACK return code, or {@code null} when v3 has none for this failure (then the
     * server just closes the connection, MQTT 3.1.1 §4.8).
     */
    public MqttConnectReturnCode v3ConnackReturnCode() {
        return kind.v3ConnackReturnCode;
    }

    /** The MQTT 5 CONNACK reason code as Netty's enum. */
    public MqttConnectReturnCode v5ConnackReasonCode() {
        return MqttConnectReturnCode.valueOf(v5ReasonCode());
    }

    /**
     * The MQTT 5 DISCONNECT reason code for a failure after the connection was accepted. A CONNECT-only failure
     * (version or client id) arriving later means a second CONNECT, which is a Protocol Error [MQTT-3.1.0-2].
     */
    public MqttReasonCodes.Disconnect v5DisconnectReason() {
        switch (kind) {
            case PACKET_TOO_LARGE: return MqttReasonCodes.Disconnect.PACKET_TOO_LARGE;
            case MALFORMED: return MqttReasonCodes.Disconnect.MALFORMED_PACKET;
            default: return MqttReasonCodes.Disconnect.PROTOCOL_ERROR;
        }
    }

    /**
     * Decides what to send before closing.
     *
     * @param connectAccepted {@code true} once the broker accepted a CONNECT on this connection (the failure is on
     *                        a later packet); {@code false} while the failing packet is (or should be) the CONNECT
     * @param version         the channel's codec version ({@link MqttVersions#get}); {@code null} when the decoder
     *                        never got far enough into a CONNECT to learn it
     */
    public Response response(boolean connectAccepted, MqttVersion version) {
        if (connectAccepted) {
            if (version == MqttVersion.MQTT_5) {
                // MQTT 5 §4.13.1: MAY send DISCONNECT with the reason code, MUST close [MQTT-4.13.1-1].
                return new Response(Action.DISCONNECT_THEN_CLOSE, v5DisconnectReason().byteValue(), version);
            }
            // MQTT 3.1.1 §4.8: close the network connection, no packet to report errors with.
            return new Response(Action.CLOSE, (byte) 0, null);
        }
        if (kind == Kind.UNSUPPORTED_PROTOCOL_VERSION) {
            // The decoder did not set the version; the client speaks something we do not know, so answer in the
            // 3.1.1 format: CONNACK 0x01 then close [MQTT-3.1.2-2]. MQTT 5 §3.1.2.2 allows the same for clients
            // that are not at level 5.
            return new Response(Action.CONNACK_THEN_CLOSE,
                    kind.v3ConnackReturnCode.byteValue(), MqttVersion.MQTT_3_1_1);
        }
        if (version == null) {
            // Not even the CONNECT variable header was decoded: nothing sensible to answer with.
            return new Response(Action.CLOSE, (byte) 0, null);
        }
        if (version == MqttVersion.MQTT_5) {
            // MQTT 5 §3.2.2.2 / §4.13: CONNACK with reason >= 0x80 then close [MQTT-3.2.2-7].
            return new Response(Action.CONNACK_THEN_CLOSE, v5ReasonCode(), version);
        }
        if (kind.v3ConnackReturnCode != null) {
            // e.g. identifier rejected: CONNACK 0x02 then close [MQTT-3.1.3-9].
            return new Response(Action.CONNACK_THEN_CLOSE, kind.v3ConnackReturnCode.byteValue(), version);
        }
        return new Response(Action.CLOSE, (byte) 0, null);
    }
}
