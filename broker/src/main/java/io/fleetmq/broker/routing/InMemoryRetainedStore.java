package io.fleetmq.broker.routing;

import io.fleetmq.broker.message.PublishMessage;
import io.fleetmq.broker.metrics.LimitReason;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Retained messages in a topic trie plus a topic map.
 *
 * <p>The map answers filters without wildcards with one lookup (the common "subscribe to my own command topic"
 * case) and gives {@link #size()}; the trie answers wildcard filters by walking only the branches the filter can
 * match. Reads are lock-free; writes are serialized by one monitor so the map and trie change together.
 *
 * <p>Message expiry is not applied here: the caller checks {@link PublishMessage#isExpired(long)} before delivery
 * [MQTT-3.3.2-5], and may call {@link #removeExpired(long)} periodically to free memory.
 *
 * <p>Bounded by a {@link RetainedQuota} (count and bytes, in total and per publishing client): a message over a bound
 * is not stored.
 */
public final class InMemoryRetainedStore implements RetainedStore {

    private final ConcurrentHashMap<String, PublishMessage> byTopic = new ConcurrentHashMap<>();
    private final Node root = new Node();
    private final Object writeLock = new Object();
    private final RetainedQuota quota;
    private volatile long bytes;

    /** Without bounds (tests, benchmarks). */
    public InMemoryRetainedStore() {
        this(RetainedQuota.unbounded());
    }

    /** Bounded; 0 switches a bound off (see {@code limits.maxRetained*}). */
    public InMemoryRetainedStore(int maxMessages, long maxBytes, int maxMessagesPerClient, long maxBytesPerClient) {
        this(new RetainedQuota(maxMessages, maxBytes, maxMessagesPerClient, maxBytesPerClient));
    }

    private InMemoryRetainedStore(RetainedQuota quota) {
        this.quota = quota;
    }

    @Override
    public LimitReason refusal(PublishMessage message) {
        if (message.payload().length == 0) {
            return null;
        }
        synchronized (writeLock) {
            return quota.refusal(message, byTopic.get(message.topic()));
        }
    }

    @Override
    public LimitReason put(PublishMessage message) {
        String topic = message.topic();
        String invalid = TopicFilters.validateTopicName(topic);
        if (invalid != null) {
            throw new IllegalArgumentException(invalid + ": " + topic);
        }
        synchronized (writeLock) {
            if (message.payload().length == 0) {
                // [MQTT-3.3.1-6], [MQTT-3.3.1-7]: an empty payload removes the retained message and is not stored.
                PublishMessage removed = byTopic.remove(topic);
                if (removed != null) {
                    removeFromTrie(topic);
                    quota.removed(removed);
                    bytes = quota.bytes();
                }
                return null;
            }
            PublishMessage replaced = byTopic.get(topic);
            LimitReason refused = quota.refusal(message, replaced);
            if (refused != null) {
                return refused;
            }
            // [MQTT-3.3.1-5]: one retained message per topic; a new one replaces the old.
            byTopic.put(topic, message);
            if (replaced != null) {
                quota.removed(replaced);
            }
            quota.added(message);
            bytes = quota.bytes();
            Node node = root;
            for (String level : TopicFilters.levels(topic)) {
                node = node.childForWrite(level);
            }
            node.message = message;
        }
        return null;
    }

    @Override
    public List<PublishMessage> match(String topicFilter) {
        String invalid = TopicFilters.validateFilter(topicFilter);
        if (invalid != null) {
            throw new IllegalArgumentException(invalid + ": " + topicFilter);
        }
        if (topicFilter.indexOf('+') < 0 && topicFilter.indexOf('#') < 0) {
            PublishMessage message = byTopic.get(topicFilter);
            return message == null ? List.of() : List.of(message);
        }
        String[] levels = TopicFilters.levels(topicFilter);
        List<PublishMessage> out = new ArrayList<>();
        // Explicit stack: topics can be thousands of levels deep and this may run on an event loop.
        ArrayDeque<Node> nodes = new ArrayDeque<>();
        ArrayDeque<Integer> depths = new ArrayDeque<>();
        nodes.push(root);
        depths.push(0);
        while (!nodes.isEmpty()) {
            Node node = nodes.pop();
            int depth = depths.pop();
            if (depth == levels.length) {
                addIfPresent(node, out);
                continue;
            }
            String level = levels[depth];
            Map<String, Node> children = node.children;
            if (level.equals("#")) {
                // '#' matches the parent level too ("sport/#" matches "sport"); the root is not a topic.
                if (depth > 0) {
                    addIfPresent(node, out);
                }
                if (children != null) {
                    children.forEach((name, child) -> {
                        if (depth > 0 || !name.startsWith("$")) { // [MQTT-4.7.2-1]
                            collectSubtree(child, out);
                        }
                    });
                }
            } else if (level.equals("+")) {
                if (children != null) {
                    for (Map.Entry<String, Node> e : children.entrySet()) {
                        if (depth > 0 || !e.getKey().startsWith("$")) { // [MQTT-4.7.2-1]
                            nodes.push(e.getValue());
                            depths.push(depth + 1);
                        }
                    }
                }
            } else if (children != null) {
                Node child = children.get(level);
                if (child != null) {
                    nodes.push(child);
                    depths.push(depth + 1);
                }
            }
        }
        return out;
    }

    private static void collectSubtree(Node start, List<PublishMessage> out) {
        ArrayDeque<Node> pending = new ArrayDeque<>();
        pending.push(start);
        while (!pending.isEmpty()) {
            Node node = pending.pop();
            addIfPresent(node, out);
            Map<String, Node> children = node.children;
            if (children != null) {
                for (Node child : children.values()) {
                    pending.push(child);
                }
            }
        }
    }

    private static void addIfPresent(Node node, List<PublishMessage> out) {
        PublishMessage message = node.message;
        if (message != null) {
            out.add(message);
        }
    }

    @Override
    public int size() {
        return byTopic.size();
    }

    @Override
    public long bytes() {
        return bytes;
    }

    /**
     * Drops messages whose v5 message expiry interval has passed [MQTT-3.3.2-5].
     *
     * @return how many were removed
     */
    @Override
    public int removeExpired(long nowNanos) {
        int removed = 0;
        for (PublishMessage message : byTopic.values()) {
            if (message.isExpired(nowNanos)) {
                synchronized (writeLock) {
                    // Remove only this exact message: a fresh one may have replaced it since the scan saw it.
                    if (byTopic.remove(message.topic(), message)) {
                        removeFromTrie(message.topic());
                        quota.removed(message);
                        bytes = quota.bytes();
                        removed++;
                    }
                }
            }
        }
        return removed;
    }

    /** Caller holds writeLock. */
    private void removeFromTrie(String topic) {
        String[] levels = TopicFilters.levels(topic);
        Node[] path = new Node[levels.length + 1];
        path[0] = root;
        for (int i = 0; i < levels.length; i++) {
            Map<String, Node> children = path[i].children;
            path[i + 1] = children == null ? null : children.get(levels[i]);
            if (path[i + 1] == null) {
                return;
            }
        }
        path[levels.length].message = null;
        for (int i = levels.length; i > 0 && path[i].isEmpty(); i--) {
            path[i - 1].removeChild(levels[i - 1]);
        }
    }

    /** One topic level; written only under writeLock, read without locking. */
    private static final class Node {
        volatile ConcurrentHashMap<String, Node> children;
        volatile PublishMessage message;

        Node childForWrite(String level) {
            if (children == null) {
                children = new ConcurrentHashMap<>();
            }
            return children.computeIfAbsent(level, l -> new Node());
        }

        void removeChild(String level) {
            if (children != null) {
                children.remove(level);
                if (children.isEmpty()) {
                    children = null;
                }
            }
        }

        boolean isEmpty() {
            return message == null && children == null;
        }
    }
}
