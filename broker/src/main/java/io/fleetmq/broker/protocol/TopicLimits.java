package io.fleetmq.broker.protocol;

import io.fleetmq.broker.config.LimitsConfig;
import io.fleetmq.broker.metrics.LimitReason;

import java.nio.charset.StandardCharsets;

/**
 * {@code limits.maxTopicLength} and {@code limits.maxTopicLevels}, for topic names, filters and will topics alike:
 * the subscription trie and the retained store hold one node per level, so the level bound is also their depth bound.
 */
final class TopicLimits {
    private TopicLimits() {
    }

    /** Which bound a topic passes, and a sentence for the log. */
    record Exceeded(LimitReason limit, String reason) {
    }

    /** The bound {@code topic} passes, or null when it is within them. */
    static Exceeded exceeded(String topic, LimitsConfig limits) {
        // Characters first: a string with fewer chars than the bound cannot exceed it in bytes by more than 3x, and
        // most topics are ASCII, so the byte count is only computed when it could matter.
        if (topic.length() * 3 > limits.maxTopicLength()
                && topic.getBytes(StandardCharsets.UTF_8).length > limits.maxTopicLength()) {
            return new Exceeded(LimitReason.TOPIC_LENGTH,
                    "topic longer than limits.maxTopicLength=" + limits.maxTopicLength() + " bytes");
        }
        if (limits.maxTopicLevels() > 0) {
            int levels = 1;
            for (int i = 0; i < topic.length(); i++) {
                if (topic.charAt(i) == '/' && ++levels > limits.maxTopicLevels()) {
                    return new Exceeded(LimitReason.TOPIC_LEVELS,
                            "topic has more than limits.maxTopicLevels=" + limits.maxTopicLevels() + " levels");
                }
            }
        }
        return null;
    }
}
