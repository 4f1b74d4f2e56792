package io.fleetmq.broker.routing;

/** One subscription that matched a topic, with the client that holds it. */
public record SubscriptionMatch(String clientId, Subscription subscription) {
}
