package io.fleetmq.broker.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The persistent sessions each owner (principal) keeps while disconnected, oldest first, bounded by
 * {@code limits.maxOfflineSessionsPerPrincipal}: a principal that invents client ids (each CONNECT with a new one and
 * a long expiry) evicts its own oldest offline sessions instead of filling the node's memory. Not thread-safe: used
 * under the {@link SessionManager}'s lock.
 */
final class OfflineSessions {
    private final Map<String, LinkedHashSet<Session>> byOwner = new HashMap<>();
    private int maxPerOwner;

    /** 0 switches the bound off. */
    void maxPerOwner(int max) {
        this.maxPerOwner = max;
    }

    /**
     * {@code session} has no connection now and waits for its client or its expiry.
     *
     * @return the owner's oldest offline sessions beyond the bound, removed from the record: the caller ends them
     */
    List<Session> wentOffline(Session session) {
        LinkedHashSet<Session> owned = byOwner.computeIfAbsent(key(session), k -> new LinkedHashSet<>());
        owned.add(session);
        if (maxPerOwner <= 0 || owned.size() <= maxPerOwner) {
            return List.of();
        }
        List<Session> evicted = new ArrayList<>(owned.size() - maxPerOwner);
        for (Iterator<Session> it = owned.iterator(); it.hasNext() && owned.size() > maxPerOwner; ) {
            evicted.add(it.next());
            it.remove();
        }
        return evicted;
    }

    /** {@code session} is connected again, ended or moved away: it no longer counts. */
    void gone(Session session) {
        String key = key(session);
        LinkedHashSet<Session> owned = byOwner.get(key);
        if (owned != null && owned.remove(session) && owned.isEmpty()) {
            byOwner.remove(key);
        }
    }

    int count(String owner) {
        LinkedHashSet<Session> owned = byOwner.get(owner);
        return owned == null ? 0 : owned.size();
    }

    private static String key(Session s) {
        return s.owner() == null ? "" : s.owner();
    }
}
