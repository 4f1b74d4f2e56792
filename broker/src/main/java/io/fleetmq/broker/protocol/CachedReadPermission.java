package io.fleetmq.broker.protocol;

import io.fleetmq.broker.auth.Principal;
import io.fleetmq.broker.auth.Security;
import io.fleetmq.broker.session.ReadPermission;

import java.util.HashMap;

/**
 * A session's read access, checked at every delivery: the ACL decision per subscription filter and per topic is
 * cached, and the cache starts
 * over whenever the ACL changes (the rules object is replaced on every reload, so one identity comparison per
 * delivery notices it). Bounded: when it holds {@link #MAX_TOPICS} topics it is cleared, so a subscriber to
 * {@code #} on a broker with millions of topics costs at most that many entries. Used under the session's lock
 * (see {@link ReadPermission}), so not synchronized.
 */
public final class CachedReadPermission implements ReadPermission {
    static final int MAX_TOPICS = 1024;

    private final Security security;
    private final Principal principal;
    private final HashMap<String, Boolean> decisions = new HashMap<>();
    private final HashMap<String, Boolean> filterDecisions = new HashMap<>();
    private Object rulesVersion;

    private CachedReadPermission(Security security, Principal principal) {
        this.security = security;
        this.principal = principal;
    }

    /** {@link ReadPermission#ALL} when no rule could ever deny {@code principal} a read. */
    public static ReadPermission of(Security security, Principal principal) {
        return security.readsAreRestricted(principal) ? new CachedReadPermission(security, principal)
                : ReadPermission.ALL;
    }

    @Override
    public boolean mayRead(String topic) {
        return decide(decisions, topic);
    }

    /**
     * A filter the current rules let the client subscribe to covers every topic it matches (an allow rule covers the
     * whole filter and no earlier deny rule overlaps it), so each of those topics is readable too.
     */
    @Override
    public boolean mayReadAllOf(String filter) {
        return decide(filterDecisions, filter);
    }

    private boolean decide(HashMap<String, Boolean> cache, String topicOrFilter) {
        Object version = security.rulesVersion(principal);
        if (version != rulesVersion) {
            decisions.clear();
            filterDecisions.clear();
            rulesVersion = version;
        }
        Boolean decision = cache.get(topicOrFilter);
        if (decision == null) {
            if (cache.size() >= MAX_TOPICS) {
                cache.clear();
            }
            decision = security.mayRead(principal, topicOrFilter);
            cache.put(topicOrFilter, decision);
        }
        return decision;
    }
}
