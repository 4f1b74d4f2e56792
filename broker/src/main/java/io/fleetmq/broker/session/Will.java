package io.fleetmq.broker.session;

import io.fleetmq.broker.message.PublishMessage;

/**
 * A client's Will Message and its v5 Will Delay Interval in seconds (0 for v3) [MQTT-3.1.3-9].
 *
 * @param permission the publishing client's permission, asked again when the will fires: a will whose topic the
 *                   client may no longer publish to is not published
 */
public record Will(PublishMessage message, long delaySeconds, PublishPermission permission) {

    /** A will no rule restricts. */
    public Will(PublishMessage message, long delaySeconds) {
        this(message, delaySeconds, PublishPermission.ALL);
    }
}
