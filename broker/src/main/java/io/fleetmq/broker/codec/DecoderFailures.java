package io.fleetmq.broker.codec;

import io.fleetmq.broker.codec.DecodeFailure.Kind;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;

/**
 * Maps the cause of a failed {@link DecoderResult} from Netty 4.1.135's {@code MqttDecoder} to a
 * {@link DecodeFailure}.
 *
 * <p>How the decoder reports failures (verified against 4.1.135, a {@code ReplayingDecoder}): it never throws
 * into the pipeline; it emits one {@link MqttMessage} whose {@code decoderResult()} is a failure carrying the
 * exception, whose fixed header is {@code null} if the fixed header itself failed, and then switches to a
 * {@code BAD_MESSAGE} state in which it silently discards all further input. It does not close the channel:
 * the handler must.
 *
 * <table>
 *   <caption>Decoder exceptions and their mapping</caption>
 *   <tr><th>Cause</th><th>When</th><th>Kind</th></tr>
 *   <tr><td>{@code TooLongFrameException("message length exceeds <max>: <remaining>")}</td>
 *       <td>Remaining Length above maxBytesInMessage; the body is skipped as it arrives, never buffered</td>
 *       <td>PACKET_TOO_LARGE</td></tr>
 *   <tr><td>{@code MqttUnacceptableProtocolVersionException("<name> and <level> don't match")} or
 *       {@code ("<name> is an unknown protocol name")}</td><td>CONNECT</td><td>UNSUPPORTED_PROTOCOL_VERSION</td></tr>
 *   <tr><td>{@code MqttIdentifierRejectedException("invalid clientIdentifier: ...")}</td><td>CONNECT (3.1 ids
 *       of length 0 or above maxClientIdLength)</td><td>CLIENT_ID_REJECTED</td></tr>
 *   <tr><td>{@code IllegalArgumentException("unknown message type: 0")}</td><td>packet type 0</td>
 *       <td>PROTOCOL_ERROR</td></tr>
 *   <tr><td>{@code DecoderException("AUTH message requires at least MQTT 5")}</td><td>type 15 before/without v5
 *       </td><td>PROTOCOL_ERROR</td></tr>
 *   <tr><td>{@code DecoderException("invalid publish topic name: ... (contains wildcards)")}</td>
 *       <td>[MQTT-3.3.2-2]</td><td>PROTOCOL_ERROR</td></tr>
 *   <tr><td>{@code DecoderException("invalid messageId: 0")}</td><td>[MQTT-2.2.1-3]</td><td>PROTOCOL_ERROR</td></tr>
 *   <tr><td>{@code IllegalArgumentException("invalid QoS: 3")}, {@code ("invalid RetainedHandlingPolicy: 3")}</td>
 *       <td>SUBSCRIBE options (v5 §3.8.3.1 calls these Protocol Errors)</td><td>PROTOCOL_ERROR</td></tr>
 *   <tr><td>{@code DecoderException("Illegal QOS Level in fixed header of PUBLISH message (3)")}</td>
 *       <td>[MQTT-3.3.1-4]</td><td>MALFORMED</td></tr>
 *   <tr><td>{@code DecoderException("Illegal BIT n ...")}, {@code ("Illegal QOS Level in fixed header of ...")}</td>
 *       <td>reserved fixed-header flags [MQTT-2.1.3-1]</td><td>MALFORMED</td></tr>
 *   <tr><td>{@code DecoderException("remaining length exceeds 4 digits (...)")}</td><td>§2.2.3</td>
 *       <td>MALFORMED</td></tr>
 *   <tr><td>{@code DecoderException("non-zero reserved flag")}</td><td>CONNECT [MQTT-3.1.2-3]</td>
 *       <td>MALFORMED</td></tr>
 *   <tr><td>any other DecoderException / exception (unknown property, trailing bytes, ...)</td><td></td>
 *       <td>MALFORMED</td></tr>
 * </table>
 *
 * <p>Message matching is deliberately loose (prefixes/substrings) and falls back to MALFORMED, which is always a
 * safe answer: the connection is closed either way.
 */
public final class DecoderFailures {
    private DecoderFailures() {
    }

    /** @return the failure of an invalid message, or {@code null} if {@code message} decoded successfully */
    public static DecodeFailure of(MqttMessage message) {
        DecoderResult result = message.decoderResult();
        if (result == null || !result.isFailure()) {
            return null;
        }
        return classify(result.cause());
    }

    public static DecodeFailure classify(Throwable cause) {
        if (cause == null) {
            return new DecodeFailure(Kind.MALFORMED, "unknown decoder failure");
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        // Order matters: the three specific exceptions are all DecoderException subclasses.
        if (cause instanceof TooLongFrameException) {
            return new DecodeFailure(Kind.PACKET_TOO_LARGE, message);
        }
        if (cause instanceof MqttUnacceptableProtocolVersionException) {
            return new DecodeFailure(Kind.UNSUPPORTED_PROTOCOL_VERSION, message);
        }
        if (cause instanceof MqttIdentifierRejectedException) {
            return new DecodeFailure(Kind.CLIENT_ID_REJECTED, message);
        }
        if (cause instanceof IllegalArgumentException) {
            if (message.startsWith("unknown message type")
                    || message.startsWith("invalid QoS")
                    || message.startsWith("invalid RetainedHandlingPolicy")) {
                return new DecodeFailure(Kind.PROTOCOL_ERROR, message);
            }
            return new DecodeFailure(Kind.MALFORMED, message);
        }
        if (cause instanceof DecoderException) {
            if (message.startsWith("AUTH message requires")
                    || message.startsWith("invalid publish topic name")
                    || message.startsWith("invalid messageId")
                    || message.startsWith("Unknown message type")) {
                return new DecodeFailure(Kind.PROTOCOL_ERROR, message);
            }
            return new DecodeFailure(Kind.MALFORMED, message);
        }
        return new DecodeFailure(Kind.MALFORMED, cause.getClass().getSimpleName() + ": " + message);
    }
}
