package io.fleetmq.broker.routing;

import io.fleetmq.broker.message.PublishMessage;
import io.fleetmq.broker.metrics.BrokerStats;
import io.fleetmq.broker.metrics.DropReason;
import io.fleetmq.broker.metrics.LimitReason;
import io.fleetmq.broker.session.OutboundMessage;
import io.fleetmq.broker.session.Session;
import io.fleetmq.broker.session.SessionEvents;
import io.fleetmq.broker.session.SessionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Routes application messages to sessions: stores retained messages, finds matching subscriptions, merges a
 * client's overlapping subscriptions into one delivery, and picks one member per shared group. The cluster layer
 * extends routing by forwarding to remote nodes; local delivery stays here.
 */
public final class PublishRouter implements SessionEvents {
    private static final Logger LOG = LoggerFactory.getLogger(PublishRouter.class);

    private final SubscriptionRegistry registry;
    private final RetainedStore retained;
    private final SessionStore sessions;
    private final BrokerStats stats;
    private final boolean retainAvailable;
    private final Map<String, AtomicInteger> sharedCursors = new ConcurrentHashMap<>();
    private volatile ClusterRouting cluster = ClusterRouting.NONE;
    private volatile String localNode = "";

    public PublishRouter(SubscriptionRegistry registry, RetainedStore retained, SessionStore sessions,
                         BrokerStats stats, boolean retainAvailable) {
        this.registry = registry;
        this.retained = retained;
        this.sessions = sessions;
        this.stats = stats;
        this.retainAvailable = retainAvailable;
    }

    /** Joins routing to a cluster: publishes then also reach subscribers on other nodes. */
    public void cluster(ClusterRouting clusterRouting, String localNodeName) {
        this.localNode = localNodeName;
        this.cluster = clusterRouting;
    }

    public SubscriptionRegistry registry() {
        return registry;
    }

    public RetainedStore retained() {
        return retained;
    }

    /**
     * Publishes a message received from a client (or made by the broker).
     *
     * @return how many sessions it was delivered to (0 lets v5 acks say "No matching subscribers", 0x10)
     */
    public int publish(PublishMessage message) {
        if (message.retain() && retainAvailable) {
            // [MQTT-3.3.1-5] store, replacing any previous; [MQTT-3.3.1-6] empty payload deletes. Over a bound it
            // is not stored (the PUBLISH processor refuses such a PUBLISH first; a will or a race gets here).
            LimitReason refused = retained.put(message);
            if (refused == null) {
                cluster.replicateRetained(message);
            } else {
                stats.limitExceeded(refused);
                LOG.warn("retained message on {} from client={} not stored: over the {} bound", message.topic(),
                        message.publisherClientId(), refused.label());
            }
        }
        // Other nodes first, then local subscribers: a session arriving here from another node meanwhile is then
        // either matched locally or still relayed by its old node (see ClusterNode#relay), never neither.
        MatchResult remote = cluster.match(message.topic());
        Set<String> forwardedTo = forwardToNodes(message, remote.subscriptions());
        MatchResult match = registry.match(message.topic());
        if (match.isEmpty() && remote.isEmpty()) {
            return 0;
        }
        int delivered = forwardedTo.size() + deliverToSubscribers(message, match.subscriptions(), null, forwardedTo);
        if (remote.sharedGroups().isEmpty()) {
            for (SharedGroupMatch group : match.sharedGroups()) {
                if (deliverToGroup(message, group, null)) {
                    delivered++;
                }
            }
        } else {
            delivered += deliverToGroupsAcrossNodes(message, match.sharedGroups(), remote.sharedGroups());
        }
        return delivered;
    }

    /**
     * A message another node forwarded: delivered to this node's non-shared subscribers only (the publishing node
     * already chose shared-group members, stored it if retained, and forwarded it to every node that needs it).
     */
    public int deliverForwarded(PublishMessage message, String fromNode) {
        return deliverToSubscribers(message, registry.match(message.topic()).subscriptions(), fromNode, Set.of());
    }

    /** A message another node chose this node for, to one member of the shared group {@code groupKey}. */
    public boolean deliverForwardedShared(String groupKey, PublishMessage message) {
        for (SharedGroupMatch group : registry.match(message.topic()).sharedGroups()) {
            if (group.key().equals(groupKey)) {
                return deliverToGroup(message, group, null);
            }
        }
        // The group's last member here left while the message was on its way from the publishing node.
        stats.dropped(io.fleetmq.broker.metrics.DropReason.NO_SHARED_MEMBER, message.qos());
        return false;
    }

    /** Publishes to this node's subscribers only, retained here only: per-node {@code $SYS} topics. */
    public void publishLocal(PublishMessage message) {
        if (message.retain() && retainAvailable) {
            retained.put(message);
        }
        MatchResult match = registry.match(message.topic());
        deliverToSubscribers(message, match.subscriptions(), null, Set.of());
        for (SharedGroupMatch group : match.sharedGroups()) {
            deliverToGroup(message, group, null);
        }
    }

    /** One copy per node, however many of its subscribers match; returns the nodes it went to. */
    private Set<String> forwardToNodes(PublishMessage message, List<SubscriptionMatch> remote) {
        if (remote.isEmpty()) {
            return Set.of();
        }
        if (remote.size() == 1) {
            cluster.forward(remote.get(0).clientId(), message);
            return Set.of(remote.get(0).clientId());
        }
        Set<String> nodes = new java.util.HashSet<>();
        for (SubscriptionMatch m : remote) {
            if (nodes.add(m.clientId())) {
                cluster.forward(m.clientId(), message);
            }
        }
        return nodes;
    }

    /**
     * Shared groups with members on several nodes: each message goes to exactly one member cluster-wide
     * [MQTT-4.8.2-4]. The publishing node picks the node round-robin (this node counts once when it has members),
     * and that node picks the member.
     */
    private int deliverToGroupsAcrossNodes(PublishMessage message, List<SharedGroupMatch> local,
                                           List<SharedGroupMatch> remote) {
        Map<String, SharedGroupMatch> localByKey = new HashMap<>();
        for (SharedGroupMatch g : local) {
            localByKey.put(g.key(), g);
        }
        Map<String, List<String>> nodesByKey = new java.util.LinkedHashMap<>();
        for (SharedGroupMatch g : remote) {
            List<String> nodes = nodesByKey.computeIfAbsent(g.key(), k -> new ArrayList<>());
            for (SubscriptionMatch m : g.members()) {
                if (!nodes.contains(m.clientId())) {
                    nodes.add(m.clientId());
                }
            }
        }
        int delivered = 0;
        for (SharedGroupMatch g : local) {
            if (!nodesByKey.containsKey(g.key()) && deliverToGroup(message, g, null)) {
                delivered++;
            }
        }
        for (Map.Entry<String, List<String>> e : nodesByKey.entrySet()) {
            SharedGroupMatch localGroup = localByKey.get(e.getKey());
            List<String> candidates = new ArrayList<>(e.getValue());
            java.util.Collections.sort(candidates);
            if (localGroup != null) {
                candidates.add(0, localNode);
            }
            int start = Math.floorMod(sharedCursors.computeIfAbsent("node:" + e.getKey(), k -> new AtomicInteger())
                    .getAndIncrement(), candidates.size());
            String chosen = candidates.get(start);
            if (chosen.equals(localNode)) {
                if (deliverToGroup(message, localGroup, null)) {
                    delivered++;
                    continue;
                }
                candidates.remove(localNode);
                if (candidates.isEmpty()) {
                    continue;
                }
                chosen = candidates.get(start % candidates.size());
            }
            cluster.forwardShared(chosen, e.getKey(), message);
            delivered++;
        }
        return delivered;
    }

    /**
     * @param fromNode    the node that forwarded the message, null when it was published on this node
     * @param forwardedTo the nodes this node forwarded it to (a moved session's new home among them has it)
     */
    private int deliverToSubscribers(PublishMessage message, List<SubscriptionMatch> matches, String fromNode,
                                     Set<String> forwardedTo) {
        if (matches.size() == 1) {
            SubscriptionMatch only = matches.get(0);
            if (isLocalExcluded(message, only)) {
                return 0;
            }
            Subscription s = only.subscription();
            return deliver(only.clientId(), message, s.qos(), s.retainAsPublished(), idsOf(s), filtersOf(s),
                    fromNode, forwardedTo);
        }
        // Overlapping subscriptions of one client: one copy at the highest QoS, with every identifier
        // [MQTT-3.3.4-2], [MQTT-3.3.4-3].
        Map<String, Merged> perClient = new HashMap<>();
        for (SubscriptionMatch m : matches) {
            if (isLocalExcluded(message, m)) {
                continue;
            }
            perClient.computeIfAbsent(m.clientId(), id -> new Merged()).add(m.subscription());
        }
        int delivered = 0;
        for (Map.Entry<String, Merged> e : perClient.entrySet()) {
            Merged m = e.getValue();
            delivered += deliver(e.getKey(), message, m.qos, m.retainAsPublished, m.ids, m.filters, fromNode,
                    forwardedTo);
        }
        return delivered;
    }

    /** [MQTT-3.8.3-3]: no-local subscriptions never get the subscriber's own messages. */
    private static boolean isLocalExcluded(PublishMessage message, SubscriptionMatch m) {
        return m.subscription().noLocal() && m.clientId().equals(message.publisherClientId());
    }

    private int deliver(String clientId, PublishMessage message, int grantedQos, boolean retainAsPublished,
                        List<Integer> ids, List<String> filters, String fromNode, Set<String> forwardedTo) {
        Session session = sessions.get(clientId);
        OutboundMessage out = new OutboundMessage(forSubscriber(message, grantedQos, retainAsPublished), ids, null,
                filters);
        if (session == null) {
            // Moved to another node a moment ago (takeover or drain) while routes converge: deliver it there.
            return cluster.relay(clientId, out, fromNode, forwardedTo) ? 1 : 0;
        }
        session.deliver(out);
        return 1;
    }

    /**
     * The copy a subscriber gets of a live message: at the lower of published and granted QoS [MQTT-3.8.4-8], RETAIN
     * cleared unless retain-as-published [MQTT-3.3.1-12], [MQTT-3.3.1-13].
     */
    private static PublishMessage forSubscriber(PublishMessage message, int grantedQos, boolean retainAsPublished) {
        return message.withQos(Math.min(message.qos(), grantedQos)).withRetain(retainAsPublished && message.retain());
    }

    /** The filter the ACL authorized for {@code s}: a shared subscription's without its {@code $share/group/}. */
    private static List<String> filtersOf(Subscription s) {
        SharedFilter shared = SharedFilter.parse(s.topicFilter());
        return List.of(shared == null ? s.topicFilter() : shared.filter());
    }

    private static List<Integer> idsOf(Subscription s) {
        return s.subscriptionId() == 0 ? List.of() : List.of(s.subscriptionId());
    }

    /**
     * One member of the group gets the message [MQTT-4.8.2-4]: round-robin over connected members, skipping
     * {@code excludedClientId}; an offline member's queue only when no member is connected.
     */
    private boolean deliverToGroup(PublishMessage message, SharedGroupMatch group, String excludedClientId) {
        List<SubscriptionMatch> members = group.members();
        if (members.isEmpty()) {
            return false;
        }
        int start = Math.floorMod(sharedCursors.computeIfAbsent(group.key(), k -> new AtomicInteger())
                .getAndIncrement(), members.size());
        SubscriptionMatch fallback = null;
        Session fallbackSession = null;
        for (int i = 0; i < members.size(); i++) {
            SubscriptionMatch member = members.get((start + i) % members.size());
            if (member.clientId().equals(excludedClientId) || isLocalExcluded(message, member)) {
                continue;
            }
            Session session = sessions.get(member.clientId());
            if (session == null) {
                continue;
            }
            if (session.isConnected()) {
                deliverShared(session, message, member.subscription(), group.key());
                return true;
            }
            if (fallback == null) {
                fallback = member;
                fallbackSession = session;
            }
        }
        if (fallback != null) {
            deliverShared(fallbackSession, message, fallback.subscription(), group.key());
            return true;
        }
        return false;
    }

    private static void deliverShared(Session session, PublishMessage message, Subscription s, String groupKey) {
        session.deliver(new OutboundMessage(forSubscriber(message, s.qos(), s.retainAsPublished()), idsOf(s),
                groupKey, filtersOf(s)));
    }

    /** Retained messages for a new subscription, sent with RETAIN set [MQTT-3.3.1-9]. */
    public void sendRetained(Session session, Subscription subscription) {
        if (!retainAvailable) {
            return;
        }
        List<Integer> ids = idsOf(subscription);
        for (PublishMessage m : retained.match(subscription.topicFilter())) {
            PublishMessage out = m.withQos(Math.min(m.qos(), subscription.qos())).withRetain(true);
            session.deliver(new OutboundMessage(out, ids, null, filtersOf(subscription)));
        }
    }

    @Override
    public void publishWill(PublishMessage will) {
        stats.received(will.qos());
        publish(will);
    }

    @Override
    public void sessionEnded(String clientId) {
        registry.removeAll(clientId);
    }

    /** A member left with unacknowledged shared messages: another member gets them [MQTT-4.8.2-6]. */
    @Override
    public void redistributeShared(String fromClientId, List<OutboundMessage> messages) {
        for (OutboundMessage m : messages) {
            boolean redelivered = false;
            for (SharedGroupMatch group : registry.match(m.message().topic()).sharedGroups()) {
                if (group.key().equals(m.sharedGroupKey())) {
                    redelivered = deliverToGroup(m.message().withRetain(false), group, fromClientId);
                    break;
                }
            }
            if (!redelivered) {
                stats.dropped(DropReason.NO_SHARED_MEMBER, m.qos());
                LOG.debug("shared message for {} from client={} had no other member", m.sharedGroupKey(),
                        fromClientId);
            }
        }
    }

    /** Accumulates one client's overlapping subscriptions. */
    private static final class Merged {
        int qos = -1;
        boolean retainAsPublished;
        final List<Integer> ids = new ArrayList<>(2);
        final List<String> filters = new ArrayList<>(2);

        void add(Subscription s) {
            filters.addAll(filtersOf(s));
            qos = Math.max(qos, s.qos());
            retainAsPublished |= s.retainAsPublished();
            if (s.subscriptionId() != 0) {
                ids.add(s.subscriptionId());
            }
        }
    }
}
