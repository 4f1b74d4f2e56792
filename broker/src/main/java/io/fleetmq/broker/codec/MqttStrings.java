package io.fleetmq.broker.codec;

import io.netty.buffer.ByteBufUtil;

/**
 * Checks the MQTT rules for UTF-8 Encoded Strings (MQTT 3.1.1 §1.5.3, MQTT 5.0 §1.5.4) on strings that
 * Netty's {@code MqttDecoder} has already turned into Java strings.
 *
 * <p>Netty decodes with {@code ByteBuf.toString(UTF_8)}, which replaces ill-formed UTF-8 (including encoded
 * surrogates U+D800..U+DFFF, overlong forms and truncated sequences) with U+FFFD. The original bytes are gone,
 * so this class treats any U+FFFD as ill-formed [MQTT-1.5.4-1].
 *
 * <p><b>Known deviation:</b> a correctly encoded U+FFFD (bytes EF BF BD) is well-formed UTF-8 and allowed by
 * the spec, but it is indistinguishable here from a replaced ill-formed sequence and is therefore refused too.
 *
 * <p>Control characters U+0001..U+001F and U+007F..U+009F and non-characters are allowed: the spec only says
 * they SHOULD NOT be sent, and a receiver MAY accept them.
 */
public final class MqttStrings {
    /** Largest number of UTF-8 bytes an MQTT string can carry (two-byte length prefix). */
    public static final int MAX_UTF8_BYTES = 65_535;

    private MqttStrings() {
    }

    /**
     * @return {@code null} when {@code s} is a valid MQTT UTF-8 string, otherwise a short human-readable reason
     */
    public static String invalidReason(String s) {
        if (s == null) {
            return "missing string";
        }
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == '\u0000') {
                return "contains U+0000 at index " + i + " [MQTT-1.5.4-2]";
            }
            if (c == '\uFFFD') {
                return "ill-formed UTF-8 (U+FFFD replacement character) at index " + i + " [MQTT-1.5.4-1]";
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++; // well-formed supplementary character
                    continue;
                }
                return "unpaired surrogate at index " + i + " [MQTT-1.5.4-1]";
            }
            if (Character.isLowSurrogate(c)) {
                return "unpaired surrogate at index " + i + " [MQTT-1.5.4-1]";
            }
        }
        if (n > MAX_UTF8_BYTES / 3 && ByteBufUtil.utf8Bytes(s) > MAX_UTF8_BYTES) {
            return "longer than " + MAX_UTF8_BYTES + " UTF-8 bytes";
        }
        return null;
    }

    /** {@code true} when {@link #invalidReason(String)} is {@code null}. */
    public static boolean isValid(String s) {
        return invalidReason(s) == null;
    }
}
