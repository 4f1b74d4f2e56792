package io.fleetmq.broker.auth;

/**
 * How an ACL topic pattern (a topic filter, after {@code %u}/{@code %c} substitution) relates to what a client asks
 * for. A PUBLISH is allowed by a pattern that matches its topic name. A SUBSCRIBE filter is allowed only by a pattern
 * that <em>covers</em> it (every topic the filter can match, the pattern matches too), and denied by a pattern that
 * merely <em>overlaps</em> it, so a wildcard subscription can never reach further than the rules allow.
 */
final class TopicPatterns {
    private TopicPatterns() {
    }

    /** Every topic matched by {@code filter} is matched by {@code pattern} (a topic name is its own filter). */
    static boolean covers(String pattern, String filter) {
        if (dollarExcluded(pattern, filter)) {
            return false;
        }
        String[] p = pattern.split("/", -1);
        String[] f = filter.split("/", -1);
        for (int i = 0; i < p.length; i++) {
            if (p[i].equals("#")) {
                return true; // '#' also matches the parent level: "a/#" covers "a" [MQTT-4.7.1-2]
            }
            if (i >= f.length || f[i].equals("#")) {
                return false;
            }
            if (p[i].equals("+")) {
                continue;
            }
            if (f[i].equals("+") || !p[i].equals(f[i])) {
                return false;
            }
        }
        return p.length == f.length;
    }

    /** Some topic is matched by both. */
    static boolean overlaps(String pattern, String filter) {
        if (dollarExcluded(pattern, filter)) {
            return false;
        }
        String[] p = pattern.split("/", -1);
        String[] f = filter.split("/", -1);
        int n = Math.min(p.length, f.length);
        for (int i = 0; i < n; i++) {
            if (p[i].equals("#") || f[i].equals("#")) {
                return true;
            }
            if (!p[i].equals("+") && !f[i].equals("+") && !p[i].equals(f[i])) {
                return false;
            }
        }
        if (p.length == f.length) {
            return true;
        }
        // One is longer: only a trailing '#' (which matches its parent level) bridges the difference.
        return p.length > f.length ? p[n].equals("#") : f[n].equals("#");
    }

    /**
     * [MQTT-4.7.2-1]: a filter starting with a wildcard does not match topics starting with '$', so a rule such as
     * {@code allow subscribe any #} never grants {@code $SYS}.
     */
    private static boolean dollarExcluded(String pattern, String filter) {
        return filter.startsWith("$") && (pattern.startsWith("+") || pattern.startsWith("#"));
    }
}
