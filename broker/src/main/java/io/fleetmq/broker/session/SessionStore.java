package io.fleetmq.broker.session;

import java.util.Collection;
import java.util.function.Function;

/**
 * Where sessions live, by client identifier. In memory on a single node; the cluster layer adds replication.
 * Thread-safe.
 */
public interface SessionStore {

    Session get(String clientId);

    /** Returns the existing session or the one made by {@code factory}, atomically. */
    Session computeIfAbsent(String clientId, Function<String, Session> factory);

    /** Removes the session only if it is still this instance (a newer one may have replaced it). */
    boolean remove(String clientId, Session session);

    Collection<Session> all();

    int size();
}
