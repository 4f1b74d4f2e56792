package io.fleetmq.broker.routing;

import java.util.List;

/**
 * A shared subscription group ({@code $share/group/filter}) that matched a topic: exactly one of its members
 * receives each message [MQTT-4.8.2-4].
 *
 * @param group   the share name
 * @param filter  the filter after the share name
 * @param members the members in a stable order (subscription order), so round-robin is deterministic
 */
public record SharedGroupMatch(String group, String filter, List<SubscriptionMatch> members) {
    public SharedGroupMatch {
        members = List.copyOf(members);
    }

    /** Key identifying the group across topics, e.g. for a round-robin cursor. */
    public String key() {
        return group + '/' + filter;
    }
}
