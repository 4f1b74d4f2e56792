package io.fleetmq.broker.routing;

import java.util.Collection;

/**
 * Which clients subscribe to what. The single-node broker uses {@link TopicTreeSubscriptionRegistry}; the cluster
 * layer wraps it to replicate routes between nodes. Thread-safe: called from every event loop.
 */
public interface SubscriptionRegistry {

    /**
     * Adds or replaces the client's subscription with the same filter [MQTT-3.8.4-3].
     *
     * @return true when the client had no subscription with this exact filter before (v5 retain handling 1)
     */
    boolean subscribe(String clientId, Subscription subscription);

    /** @return true when a subscription with exactly this filter (including any $share prefix) was removed */
    boolean unsubscribe(String clientId, String topicFilter);

    /** Removes all of a client's subscriptions (session ended). */
    void removeAll(String clientId);

    /** The client's subscriptions, for session resume and the admin view. */
    Collection<Subscription> subscriptionsOf(String clientId);

    /**
     * Whether one more subscription with {@code topicFilter} would give the client more than {@code max}
     * ({@code limits.maxSubscriptionsPerClient}); replacing one it holds never does. Counts what the client holds
     * however it got it: this connection, an earlier one of a resumed session, or a session handed over by a peer.
     */
    default boolean wouldExceed(String clientId, String topicFilter, int max) {
        Collection<Subscription> held = subscriptionsOf(clientId);
        return held.size() >= max && held.stream().noneMatch(s -> s.topicFilter().equals(topicFilter));
    }

    /** Everything matching a topic name; topics starting with '$' are not matched by a leading wildcard [MQTT-4.7.2-1]. */
    MatchResult match(String topicName);

    /** Number of subscriptions held (shared ones counted per member). */
    int size();

    /** How many of {@link #size()} are shared ({@code $share/...}) subscriptions, for metrics. */
    int sharedSize();
}
