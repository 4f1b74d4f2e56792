package io.fleetmq.broker.metrics;

/**
 * Which {@code limits.*} bound refused a packet: the {@code limit} tag of {@code fleetmq_limit_refusals_total}. The
 * client is refused (v5 reason code 0x97 Quota exceeded; v3 SUBACK 0x80, or a dropped PUBLISH), never disconnected.
 */
public enum LimitReason {
    /** {@code limits.publishRate}. */
    PUBLISH_RATE("publish_rate"),
    /** {@code limits.maxSubscriptionsPerClient}, counting what a resumed or handed-over session holds. */
    SUBSCRIPTIONS("subscriptions"),
    /** {@code limits.maxTopicLength}: topic names, filters and will topics. */
    TOPIC_LENGTH("topic_length"),
    /** {@code limits.maxTopicLevels}: topic names, filters and will topics. */
    TOPIC_LEVELS("topic_levels"),
    /** {@code limits.maxRetainedMessages}. */
    RETAINED_MESSAGES("retained_messages"),
    /** {@code limits.maxRetainedBytes}. */
    RETAINED_BYTES("retained_bytes"),
    /** {@code limits.maxRetainedMessagesPerClient}. */
    RETAINED_MESSAGES_PER_CLIENT("retained_messages_per_client"),
    /** {@code limits.maxRetainedBytesPerClient}. */
    RETAINED_BYTES_PER_CLIENT("retained_bytes_per_client");

    private final String label;

    LimitReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
