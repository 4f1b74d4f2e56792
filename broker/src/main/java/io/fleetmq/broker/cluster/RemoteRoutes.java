package io.fleetmq.broker.cluster;

import io.fleetmq.broker.routing.MatchResult;
import io.fleetmq.broker.routing.Subscription;
import io.fleetmq.broker.routing.TopicTreeSubscriptionRegistry;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which other nodes have subscribers for which filters. It is the same topic tree as local subscriptions, with node
 * names in place of client ids: one entry per node and filter however many clients share the filter there, so a
 * match yields each interested node (and each shared group's nodes) without per-subscriber fan-out.
 */
final class RemoteRoutes {
    private final TopicTreeSubscriptionRegistry tree = new TopicTreeSubscriptionRegistry();
    private final Map<String, Set<String>> filtersByNode = new ConcurrentHashMap<>();

    MatchResult match(String topic) {
        return tree.match(topic);
    }

    synchronized void replace(String node, Collection<String> filters) {
        Set<String> old = filtersByNode.getOrDefault(node, Set.of());
        Set<String> now = new HashSet<>(filters);
        for (String f : old) {
            if (!now.contains(f)) {
                tree.unsubscribe(node, f);
            }
        }
        for (String f : now) {
            if (!old.contains(f)) {
                tree.subscribe(node, Subscription.of(f, 2));
            }
        }
        filtersByNode.put(node, now);
    }

    synchronized void apply(String node, List<String> added, List<String> removed) {
        Set<String> set = filtersByNode.computeIfAbsent(node, n -> new HashSet<>());
        for (String f : removed) {
            if (set.remove(f)) {
                tree.unsubscribe(node, f);
            }
        }
        for (String f : added) {
            if (set.add(f)) {
                tree.subscribe(node, Subscription.of(f, 2));
            }
        }
    }

    /** The node left the cluster: its routes go with it. */
    synchronized void removeNode(String node) {
        filtersByNode.remove(node);
        tree.removeAll(node);
    }

    boolean has(String node, String filter) {
        return filtersByNode.getOrDefault(node, Set.of()).contains(filter);
    }

    int routeCount() {
        return tree.size();
    }
}
