package io.fleetmq.broker.routing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A subscription trie with one node per topic level.
 *
 * <p>Concurrency: {@link #match} runs on every PUBLISH from every event loop, while subscriptions change far less
 * often, so reads take no lock. Nodes hold their children and subscriptions in {@link ConcurrentHashMap}s and
 * volatile fields; every mutation (trie and per-client index) is serialized by one monitor. A match that starts
 * after a subscribe/unsubscribe returned sees its effect; a match running concurrently sees each subscription
 * either before or after the change.
 *
 * <p>Matched entries are stored as ready-made {@link SubscriptionMatch} / {@link SharedGroupMatch} objects so that
 * a match with a large fan-out allocates only the result lists.
 */
public final class TopicTreeSubscriptionRegistry implements SubscriptionRegistry {

    private final Node root = new Node();
    private final Object writeLock = new Object();
    /** clientId -> (exact filter -> subscription), insertion-ordered for a stable session resume. Guarded by writeLock. */
    private final Map<String, LinkedHashMap<String, Subscription>> byClient = new HashMap<>();
    private volatile int size;
    private volatile int sharedSize;

    @Override
    public boolean subscribe(String clientId, Subscription subscription) {
        String filter = subscription.topicFilter();
        String invalid = TopicFilters.validateFilter(filter);
        if (invalid != null) {
            throw new IllegalArgumentException(invalid + ": " + filter);
        }
        SharedFilter shared = SharedFilter.parse(filter);
        SubscriptionMatch entry = new SubscriptionMatch(clientId, subscription);
        synchronized (writeLock) {
            // [MQTT-3.8.4-3]: one subscription per client and exact filter; a resubscribe replaces it in place.
            Subscription previous = byClient.computeIfAbsent(clientId, c -> new LinkedHashMap<>()).put(filter, subscription);
            Node node = root;
            for (String level : TopicFilters.levels(shared == null ? filter : shared.filter())) {
                node = node.childForWrite(level);
            }
            if (shared == null) {
                node.putSubscription(clientId, entry);
            } else {
                node.putSharedMember(shared, entry);
            }
            if (previous == null) {
                size++;
                if (shared != null) {
                    sharedSize++;
                }
            }
            return previous == null;
        }
    }

    @Override
    public boolean unsubscribe(String clientId, String topicFilter) {
        synchronized (writeLock) {
            Map<String, Subscription> filters = byClient.get(clientId);
            if (filters == null || filters.remove(topicFilter) == null) {
                return false;
            }
            if (filters.isEmpty()) {
                byClient.remove(clientId);
            }
            removeFromTrie(clientId, topicFilter);
            size--;
            if (SharedFilter.parse(topicFilter) != null) {
                sharedSize--;
            }
            return true;
        }
    }

    @Override
    public void removeAll(String clientId) {
        synchronized (writeLock) {
            Map<String, Subscription> filters = byClient.remove(clientId);
            if (filters == null) {
                return;
            }
            int shared = 0;
            for (String filter : filters.keySet()) {
                removeFromTrie(clientId, filter);
                if (SharedFilter.parse(filter) != null) {
                    shared++;
                }
            }
            size -= filters.size();
            sharedSize -= shared;
        }
    }

    @Override
    public Collection<Subscription> subscriptionsOf(String clientId) {
        synchronized (writeLock) {
            Map<String, Subscription> filters = byClient.get(clientId);
            return filters == null ? List.of() : List.copyOf(filters.values());
        }
    }

    /** Without copying the client's subscriptions: a SUBSCRIBE flood must not cost the square of its size. */
    @Override
    public boolean wouldExceed(String clientId, String topicFilter, int max) {
        synchronized (writeLock) {
            Map<String, Subscription> filters = byClient.get(clientId);
            return filters != null && filters.size() >= max && !filters.containsKey(topicFilter);
        }
    }

    @Override
    public MatchResult match(String topicName) {
        String[] levels = TopicFilters.levels(topicName);
        // [MQTT-4.7.2-1]: wildcards in the first filter level do not match '$' topics.
        boolean dollar = !topicName.isEmpty() && topicName.charAt(0) == '$';
        ArrayList<SubscriptionMatch> subscriptions = null;
        ArrayList<SharedGroupMatch> groups = null;

        // Explicit stack instead of recursion: a topic may have thousands of levels and match runs on event loops.
        Node[] nodes = new Node[8];
        int[] depths = new int[8];
        int top = 0;
        nodes[0] = root;
        depths[0] = 0;
        top++;
        while (top > 0) {
            top--;
            Node node = nodes[top];
            int depth = depths[top];
            nodes[top] = null;
            boolean wildcardsAllowed = depth > 0 || !dollar;
            Node hash = node.hash;
            if (depth == levels.length) {
                subscriptions = addSubscriptions(node, subscriptions);
                groups = addGroups(node, groups);
                // '#' also matches the parent level: "sport/#" matches "sport" (spec section 4.7.1.2).
                if (hash != null) {
                    subscriptions = addSubscriptions(hash, subscriptions);
                    groups = addGroups(hash, groups);
                }
                continue;
            }
            if (wildcardsAllowed && hash != null) {
                subscriptions = addSubscriptions(hash, subscriptions);
                groups = addGroups(hash, groups);
            }
            if (top + 2 > nodes.length) {
                nodes = Arrays.copyOf(nodes, nodes.length * 2);
                depths = Arrays.copyOf(depths, depths.length * 2);
            }
            Node plus = node.plus;
            if (wildcardsAllowed && plus != null) {
                nodes[top] = plus;
                depths[top++] = depth + 1;
            }
            Map<String, Node> children = node.children;
            if (children != null) {
                Node exact = children.get(levels[depth]);
                if (exact != null) {
                    nodes[top] = exact;
                    depths[top++] = depth + 1;
                }
            }
        }
        if (subscriptions == null && groups == null) {
            return MatchResult.EMPTY;
        }
        return new MatchResult(
                subscriptions == null ? List.of() : Collections.unmodifiableList(subscriptions),
                groups == null ? List.of() : Collections.unmodifiableList(groups));
    }

    private static ArrayList<SubscriptionMatch> addSubscriptions(Node node, ArrayList<SubscriptionMatch> out) {
        Map<String, SubscriptionMatch> subs = node.subscriptions;
        if (subs == null || subs.isEmpty()) {
            return out;
        }
        if (out == null) {
            out = new ArrayList<>(Math.max(4, subs.size()));
        } else {
            out.ensureCapacity(out.size() + subs.size());
        }
        // Iterate instead of addAll: addAll would first copy a large fan-out into a temporary array.
        for (SubscriptionMatch match : subs.values()) {
            out.add(match);
        }
        return out;
    }

    private static ArrayList<SharedGroupMatch> addGroups(Node node, ArrayList<SharedGroupMatch> out) {
        Map<String, SharedGroupMatch> shared = node.sharedGroups;
        if (shared == null || shared.isEmpty()) {
            return out;
        }
        if (out == null) {
            out = new ArrayList<>(4);
        }
        out.addAll(shared.values());
        return out;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int sharedSize() {
        return sharedSize;
    }

    /** Caller holds writeLock and has already removed the filter from the client index. */
    private void removeFromTrie(String clientId, String filter) {
        SharedFilter shared = SharedFilter.parse(filter);
        String[] levels = TopicFilters.levels(shared == null ? filter : shared.filter());
        Node[] path = new Node[levels.length + 1];
        path[0] = root;
        for (int i = 0; i < levels.length; i++) {
            path[i + 1] = path[i].child(levels[i]);
            if (path[i + 1] == null) {
                throw new IllegalStateException("client index and trie disagree for " + clientId + " " + filter);
            }
        }
        Node leaf = path[levels.length];
        if (shared == null) {
            leaf.removeSubscription(clientId);
        } else {
            leaf.removeSharedMember(shared, clientId);
        }
        // Prune empty nodes bottom-up so long-gone device topics do not keep the trie growing.
        for (int i = levels.length; i > 0 && path[i].isEmpty(); i--) {
            path[i - 1].removeChild(levels[i - 1]);
        }
    }

    /**
     * One topic level. Reads are lock-free; every write happens under the registry's writeLock, so check-then-act
     * sequences here need no further synchronization. Maps are created lazily: a trie with a node per device holds
     * many nodes that have only children or only one subscription.
     */
    private static final class Node {
        volatile ConcurrentHashMap<String, Node> children;
        volatile Node plus;
        volatile Node hash;
        /** clientId -> ordinary subscription on exactly this node's filter. */
        volatile ConcurrentHashMap<String, SubscriptionMatch> subscriptions;
        /** share name -> immutable snapshot of the group, replaced on every membership change. */
        volatile ConcurrentHashMap<String, SharedGroupMatch> sharedGroups;

        Node child(String level) {
            if (level.equals("+")) {
                return plus;
            }
            if (level.equals("#")) {
                return hash;
            }
            Map<String, Node> c = children;
            return c == null ? null : c.get(level);
        }

        Node childForWrite(String level) {
            Node existing = child(level);
            if (existing != null) {
                return existing;
            }
            Node created = new Node();
            if (level.equals("+")) {
                plus = created;
            } else if (level.equals("#")) {
                hash = created;
            } else {
                if (children == null) {
                    children = new ConcurrentHashMap<>();
                }
                children.put(level, created);
            }
            return created;
        }

        void removeChild(String level) {
            if (level.equals("+")) {
                plus = null;
            } else if (level.equals("#")) {
                hash = null;
            } else if (children != null) {
                children.remove(level);
                if (children.isEmpty()) {
                    children = null;
                }
            }
        }

        void putSubscription(String clientId, SubscriptionMatch entry) {
            if (subscriptions == null) {
                subscriptions = new ConcurrentHashMap<>();
            }
            subscriptions.put(clientId, entry);
        }

        void removeSubscription(String clientId) {
            if (subscriptions != null) {
                subscriptions.remove(clientId);
                if (subscriptions.isEmpty()) {
                    subscriptions = null;
                }
            }
        }

        /**
         * Copy-on-write: groups are usually small, and rebuilding keeps the published member list immutable and in
         * subscription order, which round-robin delivery relies on. A resubscribe keeps the member's position.
         */
        void putSharedMember(SharedFilter shared, SubscriptionMatch entry) {
            if (sharedGroups == null) {
                sharedGroups = new ConcurrentHashMap<>();
            }
            SharedGroupMatch group = sharedGroups.get(shared.group());
            List<SubscriptionMatch> members = new ArrayList<>(group == null ? 1 : group.members().size() + 1);
            boolean replaced = false;
            if (group != null) {
                for (SubscriptionMatch member : group.members()) {
                    if (member.clientId().equals(entry.clientId())) {
                        members.add(entry);
                        replaced = true;
                    } else {
                        members.add(member);
                    }
                }
            }
            if (!replaced) {
                members.add(entry);
            }
            sharedGroups.put(shared.group(), new SharedGroupMatch(shared.group(), shared.filter(), members));
        }

        void removeSharedMember(SharedFilter shared, String clientId) {
            if (sharedGroups == null) {
                return;
            }
            SharedGroupMatch group = sharedGroups.get(shared.group());
            if (group == null) {
                return;
            }
            List<SubscriptionMatch> members = new ArrayList<>(group.members().size());
            for (SubscriptionMatch member : group.members()) {
                if (!member.clientId().equals(clientId)) {
                    members.add(member);
                }
            }
            if (members.isEmpty()) {
                sharedGroups.remove(shared.group());
                if (sharedGroups.isEmpty()) {
                    sharedGroups = null;
                }
            } else {
                sharedGroups.put(shared.group(), new SharedGroupMatch(shared.group(), shared.filter(), members));
            }
        }

        boolean isEmpty() {
            return children == null && plus == null && hash == null && subscriptions == null && sharedGroups == null;
        }
    }
}
