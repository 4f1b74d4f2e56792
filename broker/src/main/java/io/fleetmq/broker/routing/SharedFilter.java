package io.fleetmq.broker.routing;

/**
 * The two parts of a shared subscription filter {@code $share/{ShareName}/{filter}} [MQTT-4.8.2-1].
 *
 * @param group  the share name
 * @param filter the topic filter after the share name, which is what topics are matched against
 */
public record SharedFilter(String group, String filter) {

    static final String PREFIX = "$share/";

    /**
     * Splits a shared filter. Callers should run {@link TopicFilters#validateFilter(String)} first; this only splits.
     *
     * @return null when {@code topicFilter} is not a shared filter
     * @throws IllegalArgumentException when it starts with {@code $share/} but has no '/' after the share name
     */
    public static SharedFilter parse(String topicFilter) {
        if (!TopicFilters.isShared(topicFilter)) {
            return null;
        }
        int slash = topicFilter.indexOf('/', PREFIX.length());
        if (slash < 0) {
            throw new IllegalArgumentException("shared subscription without a topic filter: " + topicFilter);
        }
        return new SharedFilter(topicFilter.substring(PREFIX.length(), slash), topicFilter.substring(slash + 1));
    }
}
