package io.fleetmq.broker.session;

import io.fleetmq.broker.config.SessionsConfig;
import io.fleetmq.broker.metrics.BrokerStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Session lifecycle: create or resume on CONNECT, take over from an older connection, and on connection loss
 * publish or delay the will and schedule session expiry. Connect and disconnect of one client id are serialized
 * here so a takeover and a disconnect cannot interleave.
 */
public final class SessionManager {
    private static final Logger LOG = LoggerFactory.getLogger(SessionManager.class);

    private final SessionStore store;
    private final SessionsConfig limits;
    private final BrokerStats stats;
    private final ScheduledExecutorService timers;
    private final LongSupplier nanoClock;
    private volatile SessionEvents events;
    private volatile boolean shuttingDown;
    private final OfflineSessions offline = new OfflineSessions();

    public SessionManager(SessionStore store, SessionsConfig limits, BrokerStats stats,
                          ScheduledExecutorService timers, LongSupplier nanoClock) {
        this.store = store;
        this.limits = limits;
        this.stats = stats;
        this.timers = timers;
        this.nanoClock = nanoClock;
    }

    public void events(SessionEvents sessionEvents) {
        this.events = sessionEvents;
    }

    public SessionStore store() {
        return store;
    }

    /** {@code limits.maxOfflineSessionsPerPrincipal}; 0 (the default here) for no bound. */
    public synchronized void maxOfflineSessionsPerOwner(int max) {
        offline.maxPerOwner(max);
    }

    /**
     * The result of CONNECT: the session to use and whether it existed before [MQTT-3.2.2-2]; or, when
     * {@code ownedByAnother}, nothing: the client id's session belongs to another principal and was left untouched.
     */
    public record Opened(Session session, boolean sessionPresent, boolean ownedByAnother) {
        static final Opened OWNED_BY_ANOTHER = new Opened(null, false, true);
    }

    /**
     * Whether the session of {@code clientId} on this node belongs to a principal other than {@code owner}. A session
     * of unknown owner (handed over by an older node) belongs to nobody yet.
     */
    public synchronized boolean ownedByAnother(String clientId, String owner) {
        Session existing = store.get(clientId);
        return existing != null && existing.owner() != null && !existing.owner().equals(owner);
    }

    /** Offline sessions {@code owner} holds on this node. */
    public synchronized int offlineSessionsOf(String owner) {
        return offline.count(owner);
    }

    /**
     * Opens the session for a CONNECT that has been accepted. A session belongs to the principal that created it:
     * when {@code owner} (the connecting principal, {@code ""} for anonymous; null when sessions have no owners,
     * {@code auth.clientIdBinding=none}) is another, nothing is touched, neither the session nor its connection,
     * and the caller refuses the CONNECT. Otherwise an existing connection with the same client id is closed first
     * [MQTT-3.1.4-3]. With clean start the old session is discarded [MQTT-3.1.2-4]; otherwise it resumes, and a will
     * still waiting out its delay is cancelled [MQTT-3.1.3-9].
     */
    public synchronized Opened open(String clientId, String owner, boolean cleanStart, long expirySeconds,
                                    ClientConnection connection) {
        if (owner != null && ownedByAnother(clientId, owner)) {
            stats.clientIdTakeoversRefused.increment();
            return Opened.OWNED_BY_ANOTHER;
        }
        Session existing = store.get(clientId);
        boolean present = false;
        ClientConnection replaced = null;
        if (existing != null) {
            offline.gone(existing);
            replaced = existing.connection();
            if (replaced != null) {
                existing.detach(replaced);
            }
            existing.cancelExpiry();
            if (cleanStart) {
                end(existing);
            } else {
                Will cancelled = existing.takePendingWill();
                if (cancelled != null) {
                    LOG.debug("client={} resumed within will delay: will cancelled", clientId);
                }
                present = true;
            }
        }
        Session session = store.computeIfAbsent(clientId,
                id -> new Session(id, limits, stats, nanoClock));
        if (session.owner() == null) {
            session.owner(owner == null ? "" : owner); // new, or handed over without an owner: the creator owns it
        }
        (present ? stats.sessionsResumed : stats.sessionsStarted).increment();
        session.expiryIntervalSeconds(expirySeconds);
        if (replaced != null) {
            stats.sessionsTakenOver.increment();
            // Closed only now, with the store already showing the outcome: the old connection's close may run
            // synchronously (same event loop) and decides about its will from whether its session lived on.
            replaced.closeForTakeover();
        }
        return new Opened(session, present, false);
    }

    /**
     * The connection ended. {@code will} is the connection's will if it must be published (null after a normal
     * DISCONNECT [MQTT-3.1.2-10]); {@code takenOver} tells that a newer connection already owns the session.
     */
    public synchronized void closed(Session session, ClientConnection connection, Will will, boolean takenOver) {
        if (takenOver || !session.detach(connection)) {
            // A newer connection for this client id took over. If it resumed this session, a delayed will is
            // cancelled by its arrival [MQTT-3.1.3-9]; if it started clean, this session has ended, and a will is
            // published when its session ends, delay or not (v5 3.1.2.5).
            boolean sessionEnded = store.get(session.clientId()) != session && !session.movedToPeer();
            if (will != null && (will.delaySeconds() == 0 || sessionEnded)) {
                publishWill(will);
            }
            return;
        }
        if (shuttingDown) {
            // The node is stopping: no timers (the event loops are ending) and no wills; sessions end with it.
            return;
        }
        long expiry = session.expiryIntervalSeconds();
        if (will != null) {
            long delay = Math.min(will.delaySeconds(), expiry);
            if (delay == 0) {
                publishWill(will);
            } else {
                // Delayed until the Will Delay Interval passes or the session ends, whichever is first [MQTT-3.1.3-9].
                session.pendingWill(new Session.PendingWill(will, timers.schedule(
                        () -> publishPendingWill(session), delay, TimeUnit.SECONDS)));
            }
        }
        List<OutboundMessage> shared = session.takeSharedMessages();
        if (!shared.isEmpty() && events != null) {
            events.redistributeShared(session.clientId(), shared);
        }
        if (expiry == 0) {
            end(session);
        } else {
            session.scheduleExpiry(timers.schedule(() -> expire(session), expiry, TimeUnit.SECONDS));
            boundOffline(session);
        }
    }

    /** Counts {@code session} as offline for its owner and ends the owner's oldest beyond the bound. */
    private void boundOffline(Session session) {
        for (Session evicted : offline.wentOffline(session)) {
            stats.sessionsEvicted.increment();
            LOG.atWarn().addKeyValue("clientId", evicted.clientId())
                    .log("client={} offline session ended: its owner '{}' holds more than "
                                    + "limits.maxOfflineSessionsPerPrincipal offline sessions", evicted.clientId(),
                            evicted.owner());
            evicted.cancelExpiry();
            end(evicted);
        }
    }

    /**
     * Another cluster node is taking this client over (it connected there): the client is live on one node at a time,
     * so a connection here is closed with 0x8E [MQTT-3.1.4-3]. With clean start the session ends here (a waiting will
     * is published [MQTT-3.1.2-8]); otherwise {@code handOff} sends its state to the new node, a will still waiting
     * out its delay is cancelled because the session resumes [MQTT-3.1.3-9], and messages that still reach this node
     * for it go to {@code relay}.
     *
     * @return false when there was no session here
     */
    public synchronized boolean releaseToPeer(String clientId, boolean cleanStart, Consumer<SessionState> handOff,
                                              Consumer<OutboundMessage> relay) {
        Session session = store.get(clientId);
        if (session == null) {
            return false;
        }
        offline.gone(session);
        ClientConnection connection = session.connection();
        if (connection != null) {
            session.detach(connection);
        }
        session.cancelExpiry();
        if (cleanStart) {
            Will will = session.takePendingWill();
            if (will != null) {
                publishWill(will);
            }
        } else {
            session.takePendingWill();
            session.moveTo(handOff, relay);
        }
        store.remove(clientId, session);
        session.clear();
        if (connection != null) {
            connection.closeForTakeover();
        }
        return true;
    }

    /**
     * Installs a session handed over by another node, replacing an offline local one; a connected local session is
     * kept (the client is live here, so the other copy is stale). Subscriptions are restored by the caller.
     *
     * @return false when a connected local session was kept
     */
    public synchronized boolean adopt(SessionState state, java.util.function.Consumer<SessionState> installed) {
        Session existing = store.get(state.clientId());
        if (existing != null) {
            if (existing.isConnected()) {
                return false;
            }
            offline.gone(existing);
            existing.cancelExpiry();
            store.remove(state.clientId(), existing);
            existing.clear();
        }
        Session session = Session.restore(state, limits, stats, nanoClock);
        store.computeIfAbsent(state.clientId(), id -> session);
        long expiry = state.expiryIntervalSeconds();
        if (expiry > 0 && expiry < Long.MAX_VALUE / 2) {
            // Expires here like any offline session unless its client connects first.
            session.scheduleExpiry(timers.schedule(() -> expire(session), expiry, TimeUnit.SECONDS));
        }
        boundOffline(session);
        installed.accept(state);
        return true;
    }

    /**
     * Draining: hands every offline persistent session to another node, under this manager's lock so that a
     * concurrent claim for the client sees either the session or where it went, never neither. {@code route} picks
     * the node for a client and returns the hand-off and relay actions for it. Sessions still connected are left
     * alone (their clients are being told to move).
     */
    public synchronized int releaseOfflineForDrain(
            Function<String, Map.Entry<Consumer<SessionState>, Consumer<OutboundMessage>>> route) {
        int n = 0;
        for (Session session : List.copyOf(store.all())) {
            if (session.isConnected() || session.expiryIntervalSeconds() == 0) {
                continue;
            }
            offline.gone(session);
            session.cancelExpiry();
            session.takePendingWill();
            Map.Entry<Consumer<SessionState>, Consumer<OutboundMessage>> to = route.apply(session.clientId());
            session.moveTo(to.getKey(), to.getValue());
            store.remove(session.clientId(), session);
            session.clear();
            n++;
        }
        return n;
    }

    /** Stops publishing wills: a broker shutdown is not a client failure. */
    public void shuttingDown() {
        shuttingDown = true;
    }

    private synchronized void publishPendingWill(Session session) {
        Will will = session.takePendingWill();
        if (will != null) {
            publishWill(will);
        }
    }

    private synchronized void expire(Session session) {
        if (session.isConnected() || store.get(session.clientId()) != session) {
            return;
        }
        stats.sessionsExpired.increment();
        LOG.atInfo().addKeyValue("clientId", session.clientId())
                .log("client={} session expired after {} s", session.clientId(), session.expiryIntervalSeconds());
        end(session);
    }

    /** Ends a session: a will still waiting is published now [MQTT-3.1.2-8], subscriptions are removed. */
    private void end(Session session) {
        offline.gone(session);
        Will will = session.takePendingWill();
        if (will != null) {
            publishWill(will);
        }
        store.remove(session.clientId(), session);
        session.clear();
        if (events != null) {
            events.sessionEnded(session.clientId());
        }
    }

    private void publishWill(Will will) {
        // No wills once the node is stopping, even one whose delay runs out during the grace period.
        if (events == null || shuttingDown) {
            return;
        }
        if (!will.permission().mayPublish(will.message().topic())) {
            // Authorized at CONNECT, but the rules changed before it fired: a will is a publish on the client's
            // behalf, so it needs the permission the client has now.
            stats.aclDenials.increment();
            LOG.warn("client={} will on {} not published: the client may no longer publish there",
                    will.message().publisherClientId(), will.message().topic());
            return;
        }
        events.publishWill(will.message().withReceivedAt(nanoClock.getAsLong()));
    }
}
