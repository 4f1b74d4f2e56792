package io.fleetmq.broker.routing;

/**
 * Syntax rules for topic names and topic filters, and the reference matcher.
 *
 * <p>The validators return a short reason instead of throwing so protocol handlers can turn it into a reason string
 * or a disconnect without exception handling on the hot path.
 */
public final class TopicFilters {

    private TopicFilters() {
    }

    /** Whether the filter uses the {@code $share/} prefix (v5 shared subscription [MQTT-4.8.2-1]). */
    public static boolean isShared(String topicFilter) {
        return topicFilter != null && topicFilter.startsWith(SharedFilter.PREFIX);
    }

    /**
     * Checks a SUBSCRIBE/UNSUBSCRIBE topic filter, including the {@code $share/} form.
     *
     * @return null when valid, otherwise a short reason
     */
    public static String validateFilter(String topicFilter) {
        if (topicFilter == null) {
            return "topic filter is null";
        }
        if (!isShared(topicFilter)) {
            return validatePlainFilter(topicFilter);
        }
        // [MQTT-4.8.2-1]: $share/{ShareName}/{filter}, ShareName at least one character.
        int start = SharedFilter.PREFIX.length();
        int slash = topicFilter.indexOf('/', start);
        if (slash < 0) {
            return "shared subscription has no topic filter after the share name";
        }
        if (slash == start) {
            return "share name is empty";
        }
        // [MQTT-4.8.2-2]: the share name must not contain '/', '+' or '#' ('/' is excluded by construction).
        for (int i = start; i < slash; i++) {
            char c = topicFilter.charAt(i);
            if (c == '+' || c == '#') {
                return "share name contains a wildcard";
            }
            if (c == '\u0000') {
                return "topic filter contains U+0000";
            }
        }
        if (slash == topicFilter.length() - 1) {
            return "shared subscription has an empty topic filter";
        }
        return validatePlainFilter(topicFilter.substring(slash + 1));
    }

    private static String validatePlainFilter(String filter) {
        int len = filter.length();
        if (len == 0) {
            return "topic filter is empty"; // [MQTT-4.7.3-1]
        }
        for (int i = 0; i < len; i++) {
            char c = filter.charAt(i);
            switch (c) {
                case '\u0000' -> {
                    return "topic filter contains U+0000"; // [MQTT-4.7.3-2]
                }
                case '#' -> {
                    // [MQTT-4.7.1-2]: '#' occupies a whole level and is the last character.
                    if (i != len - 1 || (i > 0 && filter.charAt(i - 1) != '/')) {
                        return "'#' must be the last level and alone in it";
                    }
                }
                case '+' -> {
                    // [MQTT-4.7.1-3]: '+' occupies a whole level.
                    if ((i > 0 && filter.charAt(i - 1) != '/') || (i < len - 1 && filter.charAt(i + 1) != '/')) {
                        return "'+' must be alone in its level";
                    }
                }
                default -> {
                }
            }
        }
        return null;
    }

    /**
     * Checks a PUBLISH topic name.
     *
     * @return null when valid, otherwise a short reason
     */
    public static String validateTopicName(String topicName) {
        if (topicName == null) {
            return "topic name is null";
        }
        if (topicName.isEmpty()) {
            return "topic name is empty"; // [MQTT-4.7.3-1]
        }
        for (int i = 0; i < topicName.length(); i++) {
            char c = topicName.charAt(i);
            if (c == '+' || c == '#') {
                return "topic name contains a wildcard"; // [MQTT-3.3.2-2]
            }
            if (c == '\u0000') {
                return "topic name contains U+0000"; // [MQTT-4.7.3-2]
            }
        }
        return null;
    }

    /**
     * Whether a valid, non-shared filter matches a valid topic name. The filter is taken literally: strip a
     * {@code $share/group/} prefix with {@link SharedFilter#parse(String)} first.
     *
     * <p>This is the reference implementation the tries are tested against, so it favours obviousness over speed,
     * but it still walks both strings without splitting them.
     */
    public static boolean matches(String filter, String topic) {
        int flen = filter.length();
        int tlen = topic.length();
        // [MQTT-4.7.2-1]: a leading wildcard must not match topics beginning with '$' (e.g. $SYS).
        if (tlen > 0 && topic.charAt(0) == '$' && flen > 0
                && (filter.charAt(0) == '+' || filter.charAt(0) == '#')) {
            return false;
        }
        int fi = 0;
        int ti = 0;
        while (true) {
            // Both indexes point at the start of a level here.
            if (fi < flen && filter.charAt(fi) == '#') {
                return true; // multi-level wildcard: matches the rest, whatever it is
            }
            int fe = levelEnd(filter, fi);
            int te = levelEnd(topic, ti);
            boolean plus = fe - fi == 1 && filter.charAt(fi) == '+';
            if (!plus && (fe - fi != te - ti || !filter.regionMatches(fi, topic, ti, fe - fi))) {
                return false;
            }
            if (fe == flen) {
                return te == tlen;
            }
            if (te == tlen) {
                // Topic exhausted, filter has more: only "/#" may follow, since '#' also matches the parent level
                // ("sport/#" matches "sport").
                return fe + 2 == flen && filter.charAt(fe + 1) == '#';
            }
            fi = fe + 1;
            ti = te + 1;
        }
    }

    private static int levelEnd(String s, int from) {
        int slash = s.indexOf('/', from);
        return slash < 0 ? s.length() : slash;
    }

    /** Splits a topic or filter into levels; empty levels are kept ("/a/" has three levels "", "a", ""). */
    static String[] levels(String s) {
        int count = 1;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '/') {
                count++;
            }
        }
        String[] out = new String[count];
        int start = 0;
        for (int n = 0; n < count - 1; n++) {
            int slash = s.indexOf('/', start);
            out[n] = s.substring(start, slash);
            start = slash + 1;
        }
        out[count - 1] = s.substring(start);
        return out;
    }
}
