package io.fleetmq.broker.codec;

/** TEMPORARY; replaced by the codec work. */
public final class MqttStrings {
    private MqttStrings() {
    }

    public static String invalidReason(String s) {
        if (s == null) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                return "contains U+0000";
            }
            if (c == '\uFFFD') {
                return "ill-formed UTF-8";
            }
        }
        return null;
    }
}
