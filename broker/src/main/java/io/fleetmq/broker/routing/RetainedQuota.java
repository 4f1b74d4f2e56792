package io.fleetmq.broker.routing;

import io.fleetmq.broker.message.PublishMessage;
import io.fleetmq.broker.metrics.LimitReason;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * What the retained messages of a node hold, in total and per publishing client id, against the bounds
 * {@code limits.maxRetainedMessages}, {@code limits.maxRetainedBytes}, {@code limits.maxRetainedMessagesPerClient}
 * and {@code limits.maxRetainedBytesPerClient} (0: no bound). A message's size is its topic in UTF-8 plus its payload.
 * Replacing a topic's message by one no larger is never refused, so a client at its bound can still update what it
 * already retains; broker-made messages ({@code $SYS}, empty publisher) count in the totals only.
 * <p>
 * Not thread-safe: the store calls it under its write lock.
 */
final class RetainedQuota {
    private final int maxMessages;
    private final long maxBytes;
    private final int maxMessagesPerClient;
    private final long maxBytesPerClient;
    private int messages;
    private long bytes;
    private final Map<String, Usage> perClient = new HashMap<>();

    private static final class Usage {
        int messages;
        long bytes;
    }

    RetainedQuota(int maxMessages, long maxBytes, int maxMessagesPerClient, long maxBytesPerClient) {
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
        this.maxMessagesPerClient = maxMessagesPerClient;
        this.maxBytesPerClient = maxBytesPerClient;
    }

    static RetainedQuota unbounded() {
        return new RetainedQuota(0, 0, 0, 0);
    }

    static long sizeOf(PublishMessage m) {
        return (long) m.topic().getBytes(StandardCharsets.UTF_8).length + m.payload().length;
    }

    /** The bound storing {@code incoming} in place of {@code replaced} (null: a new topic) would pass, or null. */
    LimitReason refusal(PublishMessage incoming, PublishMessage replaced) {
        long size = sizeOf(incoming);
        long replacedSize = replaced == null ? 0 : sizeOf(replaced);
        if (replaced == null && maxMessages > 0 && messages >= maxMessages) {
            return LimitReason.RETAINED_MESSAGES;
        }
        if (maxBytes > 0 && size > replacedSize && bytes - replacedSize + size > maxBytes) {
            return LimitReason.RETAINED_BYTES;
        }
        String owner = incoming.publisherClientId();
        if (owner.isEmpty()) {
            return null;
        }
        boolean sameOwner = replaced != null && replaced.publisherClientId().equals(owner);
        Usage u = perClient.get(owner);
        int ownMessages = u == null ? 0 : u.messages;
        long ownBytes = (u == null ? 0 : u.bytes) - (sameOwner ? replacedSize : 0);
        if (!sameOwner && maxMessagesPerClient > 0 && ownMessages >= maxMessagesPerClient) {
            return LimitReason.RETAINED_MESSAGES_PER_CLIENT;
        }
        if (maxBytesPerClient > 0 && ownBytes + size > maxBytesPerClient && !(sameOwner && size <= replacedSize)) {
            return LimitReason.RETAINED_BYTES_PER_CLIENT;
        }
        return null;
    }

    void added(PublishMessage m) {
        long size = sizeOf(m);
        messages++;
        bytes += size;
        if (!m.publisherClientId().isEmpty()) {
            Usage u = perClient.computeIfAbsent(m.publisherClientId(), id -> new Usage());
            u.messages++;
            u.bytes += size;
        }
    }

    void removed(PublishMessage m) {
        long size = sizeOf(m);
        messages--;
        bytes -= size;
        Usage u = perClient.get(m.publisherClientId());
        if (u != null) {
            u.messages--;
            u.bytes -= size;
            if (u.messages == 0) {
                perClient.remove(m.publisherClientId());
            }
        }
    }

    long bytes() {
        return bytes;
    }
}
