package io.fleetmq.bench.scenario;

/**
 * How many deliveries a scenario expects per published message, from its two topics. Two shapes are supported:
 * <ul>
 *   <li>{@link #FAN_OUT}: the subscriber topic has no {@code %i}/{@code %c}; every subscriber is expected to get every
 *       published message (expected = published &times; subscribers). The filter should match every publisher's
 *       topic ({@link #filterMatches}); if it does not, the scenario still runs and its receive ratio shows it.</li>
 *   <li>{@link #ONE_TO_ONE}: both topics are the same template with {@code %i}; publisher n publishes to the topic
 *       subscriber n subscribed to (expected = published). Needs publishers &le; subscribers.</li>
 * </ul>
 */
public enum Delivery {
    FAN_OUT,
    ONE_TO_ONE;

    /** The shape of these topics, or null when neither fits (the validator says why). */
    static Delivery of(String subscriberTopic, String publisherTopic) {
        if (!subscriberTopic.contains("%i") && !subscriberTopic.contains("%c")) {
            return FAN_OUT;
        }
        if (!subscriberTopic.contains("%c") && subscriberTopic.equals(publisherTopic)) {
            return ONE_TO_ONE;
        }
        return null;
    }

    public long expected(long published, int subscribers) {
        return this == FAN_OUT ? published * subscribers : published;
    }

    /** MQTT topic matching: {@code +} one level, {@code #} the rest (also the parent level). */
    static boolean filterMatches(String filter, String topic) {
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return !(i == 0 && topic.startsWith("$"));
            }
            if (i >= t.length) {
                return false;
            }
            if (f[i].equals("+")) {
                if (i == 0 && topic.startsWith("$")) {
                    return false;
                }
                continue;
            }
            if (!f[i].equals(t[i])) {
                return false;
            }
        }
        return f.length == t.length;
    }
}
