package io.fleetmq.broker.codec;

import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;

/** TEMPORARY minimal mapping; replaced by the codec work. */
public final class DecoderFailures {
    private DecoderFailures() {
    }

    public enum Kind { PACKET_TOO_LARGE, UNSUPPORTED_PROTOCOL_VERSION, CLIENT_ID_REJECTED, PROTOCOL_ERROR, MALFORMED }

    public record DecodeFailure(Kind kind, String reason) {
        public byte v5ReasonCode() {
            return switch (kind) {
                case PACKET_TOO_LARGE -> (byte) 0x95;
                case UNSUPPORTED_PROTOCOL_VERSION -> (byte) 0x84;
                case CLIENT_ID_REJECTED -> (byte) 0x85;
                case PROTOCOL_ERROR -> (byte) 0x82;
                case MALFORMED -> (byte) 0x81;
            };
        }

        public byte v3ConnectReturnCode() {
            return switch (kind) {
                case UNSUPPORTED_PROTOCOL_VERSION -> 0x01;
                case CLIENT_ID_REJECTED -> 0x02;
                default -> 0x00;
            };
        }
    }

    public static DecodeFailure classify(Throwable cause) {
        String msg = String.valueOf(cause == null ? null : cause.getMessage());
        if (cause instanceof TooLongFrameException) {
            return new DecodeFailure(Kind.PACKET_TOO_LARGE, msg);
        }
        if (cause instanceof MqttUnacceptableProtocolVersionException) {
            return new DecodeFailure(Kind.UNSUPPORTED_PROTOCOL_VERSION, msg);
        }
        if (cause instanceof MqttIdentifierRejectedException) {
            return new DecodeFailure(Kind.CLIENT_ID_REJECTED, msg);
        }
        return new DecodeFailure(Kind.MALFORMED, msg);
    }
}
