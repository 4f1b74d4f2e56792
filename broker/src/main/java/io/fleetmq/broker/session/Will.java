package io.fleetmq.broker.session;

import io.fleetmq.broker.message.PublishMessage;

/**
 * A client's Will Message and its v5 Will Delay Interval in seconds (0 for v3) [MQTT-3.1.3-9].
 */
public record Will(PublishMessage message, long delaySeconds) {
}
