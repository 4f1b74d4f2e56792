package io.fleetmq.broker.protocol;

import io.fleetmq.broker.config.LimitsConfig;

import java.nio.charset.StandardCharsets;

/** {@code limits.maxTopicLength} and {@code limits.maxTopicLevels}, for topic names and filters alike. */
final class TopicLimits {
    private TopicLimits() {
    }

    /** Why {@code topic} is over a bound, or null when it is within them. */
    static String exceeded(String topic, LimitsConfig limits) {
        // Characters first: a string with fewer chars than the bound cannot exceed it in bytes by more than 3x, and
        // most topics are ASCII, so the byte count is only computed when it could matter.
        if (topic.length() * 3 > limits.maxTopicLength()
                && topic.getBytes(StandardCharsets.UTF_8).length > limits.maxTopicLength()) {
            return "topic longer than limits.maxTopicLength=" + limits.maxTopicLength() + " bytes";
        }
        if (limits.maxTopicLevels() > 0) {
            int levels = 1;
            for (int i = 0; i < topic.length(); i++) {
                if (topic.charAt(i) == '/' && ++levels > limits.maxTopicLevels()) {
                    return "topic has more than limits.maxTopicLevels=" + limits.maxTopicLevels() + " levels";
                }
            }
        }
        return null;
    }
}
