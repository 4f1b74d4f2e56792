package io.fleetmq.broker.message;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * An application message as the broker stores and routes it: immutable, independent of any connection or Netty
 * buffer (the payload is a plain array so one message can be fanned out to many subscribers without reference
 * counting).
 *
 * @param topic             the full topic name (never an alias)
 * @param qos               the QoS it was published with
 * @param retain            the RETAIN flag as published
 * @param payload           payload bytes; never mutated
 * @param properties        v5 properties carried to subscribers
 * @param publisherClientId client that published it, for no-local [MQTT-3.8.3-3]; empty for broker-made messages
 * @param receivedAtNanos   {@link System#nanoTime()} at receipt, for message expiry and latency
 */
public record PublishMessage(
        String topic,
        int qos,
        boolean retain,
        byte[] payload,
        PublishProperties properties,
        String publisherClientId,
        long receivedAtNanos) {

    public PublishMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        properties = properties == null ? PublishProperties.NONE : properties;
        publisherClientId = publisherClientId == null ? "" : publisherClientId;
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos " + qos);
        }
    }

    /** A broker-originated message (used by $SYS) with no properties. */
    public static PublishMessage ofBroker(String topic, String utf8Payload, boolean retain, long nowNanos) {
        return new PublishMessage(topic, 0, retain, utf8Payload.getBytes(StandardCharsets.UTF_8),
                PublishProperties.NONE, "", nowNanos);
    }

    /**
     * Whether the v5 message expiry interval has passed [MQTT-3.3.2-5].
     */
    public boolean isExpired(long nowNanos) {
        Long expiry = properties.messageExpiryInterval();
        return expiry != null && nowNanos - receivedAtNanos >= expiry * 1_000_000_000L;
    }

    /**
     * The expiry interval to send on delivery: the received value minus the time spent waiting in the broker
     * [MQTT-3.3.2-6]; null when the message has no expiry.
     */
    public Long remainingExpirySeconds(long nowNanos) {
        Long expiry = properties.messageExpiryInterval();
        if (expiry == null) {
            return null;
        }
        long waitedSeconds = (nowNanos - receivedAtNanos) / 1_000_000_000L;
        return Math.max(0, expiry - waitedSeconds);
    }

    public PublishMessage withRetain(boolean newRetain) {
        return newRetain == retain ? this
                : new PublishMessage(topic, qos, newRetain, payload, properties, publisherClientId, receivedAtNanos);
    }

    public PublishMessage withQos(int newQos) {
        return newQos == qos ? this
                : new PublishMessage(topic, newQos, retain, payload, properties, publisherClientId, receivedAtNanos);
    }

    /** The same message as if received now: a will's expiry counts from its publication, not the CONNECT. */
    /** The same message from another publisher (a will whose client id the broker replaced). */
    public PublishMessage withPublisher(String clientId) {
        return new PublishMessage(topic, qos, retain, payload, properties, clientId, receivedAtNanos);
    }

    public PublishMessage withReceivedAt(long nanos) {
        return new PublishMessage(topic, qos, retain, payload, properties, publisherClientId, nanos);
    }

    @Override
    public String toString() {
        return "PublishMessage[topic=" + topic + ", qos=" + qos + ", retain=" + retain + ", bytes=" + payload.length
                + ", from=" + publisherClientId + "]";
    }
}
