package io.fleetmq.broker.routing;

import io.fleetmq.broker.message.PublishMessage;
import io.fleetmq.broker.metrics.LimitReason;

import java.util.List;

/**
 * Retained messages, one per topic [MQTT-3.3.1-5]. In memory for a single node; the cluster layer replicates it.
 * Thread-safe.
 */
public interface RetainedStore {

    /**
     * Stores or replaces the topic's retained message; an empty payload deletes it [MQTT-3.3.1-6].
     *
     * @return null when stored (or deleted); otherwise the bound it would have passed, and nothing changed
     */
    LimitReason put(PublishMessage message);

    /** The bound storing {@code message} would pass now, or null (an empty payload, a delete, never does). */
    LimitReason refusal(PublishMessage message);

    /** Retained messages whose topic matches the (non-shared) filter; '$' topics follow [MQTT-4.7.2-1]. */
    List<PublishMessage> match(String topicFilter);

    int size();

    /** Topic and payload bytes of the messages stored. */
    long bytes();

    /** Drops retained messages whose v5 expiry has passed [MQTT-3.3.2-5]; returns how many. */
    int removeExpired(long nowNanos);
}
