package io.fleetmq.broker.routing;

import java.util.List;

/**
 * Everything that matched a topic: ordinary subscriptions (several per client possible when filters overlap) and
 * shared groups.
 */
public record MatchResult(List<SubscriptionMatch> subscriptions, List<SharedGroupMatch> sharedGroups) {
    public static final MatchResult EMPTY = new MatchResult(List.of(), List.of());

    public boolean isEmpty() {
        return subscriptions.isEmpty() && sharedGroups.isEmpty();
    }
}
