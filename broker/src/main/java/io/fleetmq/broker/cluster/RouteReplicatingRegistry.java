package io.fleetmq.broker.cluster;

import io.fleetmq.broker.routing.MatchResult;
import io.fleetmq.broker.routing.Subscription;
import io.fleetmq.broker.routing.SubscriptionRegistry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The local subscription registry, plus a count of local subscribers per filter so the node knows when a filter
 * gains its first or loses its last subscriber: only those changes are routes the other nodes need. Changed filters
 * are marked dirty and sent in batches ({@link #takeDelta}); a batch carries each filter's state at send time, so
 * applying batches is idempotent and a quick subscribe/unsubscribe pair costs nothing on the wire.
 */
public final class RouteReplicatingRegistry implements SubscriptionRegistry {
    private final SubscriptionRegistry local;
    private final Map<String, Integer> subscribersPerFilter = new ConcurrentHashMap<>();
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();

    RouteReplicatingRegistry(SubscriptionRegistry local) {
        this.local = local;
    }

    @Override
    public boolean subscribe(String clientId, Subscription subscription) {
        boolean added = local.subscribe(clientId, subscription);
        if (added) {
            subscribersPerFilter.merge(subscription.topicFilter(), 1, Integer::sum);
            dirty.add(subscription.topicFilter());
        }
        return added;
    }

    @Override
    public boolean unsubscribe(String clientId, String topicFilter) {
        boolean removed = local.unsubscribe(clientId, topicFilter);
        if (removed) {
            release(topicFilter);
        }
        return removed;
    }

    @Override
    public void removeAll(String clientId) {
        Collection<Subscription> subs = List.copyOf(local.subscriptionsOf(clientId));
        local.removeAll(clientId);
        for (Subscription s : subs) {
            release(s.topicFilter());
        }
    }

    private void release(String filter) {
        subscribersPerFilter.computeIfPresent(filter, (f, n) -> n <= 1 ? null : n - 1);
        dirty.add(filter);
    }

    @Override
    public Collection<Subscription> subscriptionsOf(String clientId) {
        return local.subscriptionsOf(clientId);
    }

    @Override
    public boolean wouldExceed(String clientId, String topicFilter, int max) {
        return local.wouldExceed(clientId, topicFilter, max);
    }

    @Override
    public MatchResult match(String topicName) {
        return local.match(topicName);
    }

    @Override
    public int size() {
        return local.size();
    }

    @Override
    public int sharedSize() {
        return local.sharedSize();
    }

    /** Every filter with a local subscriber now. */
    List<String> routes() {
        return new ArrayList<>(subscribersPerFilter.keySet());
    }

    /** Filters changed since the last call, split by whether they are routes now; null when nothing changed. */
    ClusterFrame.RouteDelta takeDelta() {
        if (dirty.isEmpty()) {
            return null;
        }
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        for (var it = dirty.iterator(); it.hasNext(); ) {
            String f = it.next();
            it.remove();
            (subscribersPerFilter.containsKey(f) ? added : removed).add(f);
        }
        return added.isEmpty() && removed.isEmpty() ? null : new ClusterFrame.RouteDelta(added, removed);
    }
}
