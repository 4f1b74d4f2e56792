package io.fleetmq.broker.session;

import io.fleetmq.broker.config.SessionsConfig;
import io.fleetmq.broker.metrics.BrokerStats;
import io.fleetmq.broker.metrics.DropReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.function.LongSupplier;

/**
 * The server side of an MQTT session [MQTT-4.1.0-1]: outbound messages awaiting acknowledgement (in order), the
 * bounded queue of messages waiting for a connection or for room in the inflight window, inbound QoS 2 packet ids
 * awaiting PUBREL, and the expiry interval. Subscriptions live in the routing layer, keyed by client id.
 * <p>
 * Thread-safety: publishers on any event loop deliver into any session, so every method synchronizes on the
 * session. Sends happen under that lock, which keeps the order of messages on the wire equal to the order of
 * delivery [MQTT-4.6.0-6].
 */
public final class Session {
    private static final Logger LOG = LoggerFactory.getLogger(Session.class);

    private final String clientId;
    private final SessionsConfig limits;
    private final BrokerStats stats;
    private final LongSupplier nanoClock;

    private ClientConnection connection;
    private final LinkedHashMap<Integer, InflightMessage> inflight = new LinkedHashMap<>();
    private final ArrayDeque<OutboundMessage> queue = new ArrayDeque<>();
    private final Set<Integer> inboundQos2AwaitingRelease = new HashSet<>();
    private int lastPacketId;
    private long expiryIntervalSeconds;
    private long droppedMessages;
    /** Drop count when the queue-full warning was logged; -1 until then (reset when the client reconnects). */
    private long droppedMessagesLoggedAt = -1;
    private ScheduledFuture<?> pendingExpiry;
    private PendingWill pendingWill;
    /** Set when the session was handed to another cluster node: it lives on there, it did not end. */
    private boolean movedToPeer;
    /** After a move, where messages still delivered to this (stale) instance go: to the session's new home. */
    private java.util.function.Consumer<OutboundMessage> movedRelay;
    /**
     * The principal that created the session ({@code ""} for anonymous); only it may resume the session. Null for a
     * session handed over by a node too old to say: the next client to resume it becomes its owner.
     */
    private String owner;
    /** What the client may read now; asked at every delivery (the client's current ACL, not the one at SUBSCRIBE). */
    private ReadPermission readPermission = ReadPermission.ALL;

    /** A will waiting out its delay; published early if the session ends first [MQTT-3.1.2-8]. */
    record PendingWill(Will will, ScheduledFuture<?> timer) {
    }

    public Session(String clientId, SessionsConfig limits, BrokerStats stats, LongSupplier nanoClock) {
        this.clientId = clientId;
        this.limits = limits;
        this.stats = stats;
        this.nanoClock = nanoClock;
    }

    public String clientId() {
        return clientId;
    }

    public synchronized String owner() {
        return owner;
    }

    synchronized void owner(String principal) {
        this.owner = principal;
    }

    /** Set on CONNECT, before {@link #attach}: the connecting principal's read access. */
    public synchronized void readPermission(ReadPermission permission) {
        this.readPermission = permission;
    }

    public synchronized ClientConnection connection() {
        return connection;
    }

    public synchronized boolean isConnected() {
        return connection != null;
    }

    public synchronized long expiryIntervalSeconds() {
        return expiryIntervalSeconds;
    }

    public synchronized void expiryIntervalSeconds(long seconds) {
        this.expiryIntervalSeconds = seconds;
    }

    /**
     * Binds the session to a new connection and resends, in their original order, every unacknowledged PUBLISH with
     * DUP set and every PUBREL awaiting PUBCOMP [MQTT-4.4.0-1], [MQTT-3.3.1-1]; then fills the window from the queue.
     */
    public synchronized void attach(ClientConnection newConnection) {
        this.connection = newConnection;
        this.droppedMessagesLoggedAt = -1;
        for (Iterator<InflightMessage> it = inflight.values().iterator(); it.hasNext(); ) {
            InflightMessage m = it.next();
            if (m.released()) {
                newConnection.sendPubrel(m.packetId());
            } else if (!readable(m.message())) {
                it.remove(); // the ACL changed while it waited for an acknowledgement: the client may not have it
            } else {
                newConnection.sendPublish(m.message(), m.packetId(), true);
            }
        }
        drainQueue();
    }

    /** Unbinds the connection if it is still the current one. Returns false when another connection took over. */
    public synchronized boolean detach(ClientConnection oldConnection) {
        if (connection != oldConnection) {
            return false;
        }
        connection = null;
        return true;
    }

    /**
     * Hands a message to this session: sent now when connected and the inflight window has room, otherwise
     * queued (bounded). QoS 0 messages are not queued for an offline session unless configured.
     */
    public synchronized void deliver(OutboundMessage message) {
        if (movedRelay != null) {
            movedRelay.accept(message);
            return;
        }
        long now = nanoClock.getAsLong();
        if (message.message().isExpired(now)) {
            // [MQTT-3.3.2-5]: an expired message is not delivered to any subscriber.
            stats.dropped(DropReason.EXPIRED, message.qos());
            return;
        }
        if (!readable(message)) {
            return;
        }
        if (connection == null) {
            if (message.qos() == 0 && !limits.queueQos0WhenOffline()) {
                return;
            }
            enqueue(message);
            return;
        }
        if (message.qos() == 0) {
            connection.sendPublish(message, 0, false);
            return;
        }
        if (queue.isEmpty() && inflight.size() < window() && connection.hasOutboundRoom()) {
            sendInflight(message);
        } else {
            enqueue(message);
        }
    }

    /** The connection can take messages again after {@link ClientConnection#hasOutboundRoom()} said no. */
    public synchronized void outboundRoomAgain(ClientConnection from) {
        if (connection == from) {
            drainQueue();
        }
    }

    /** PUBACK for a QoS 1 message: it is done; the window has room again. */
    public synchronized boolean onPuback(int packetId) {
        InflightMessage m = inflight.get(packetId);
        if (m == null || m.message().qos() != 1) {
            return false;
        }
        inflight.remove(packetId);
        drainQueue();
        return true;
    }

    /**
     * PUBREC for a QoS 2 message: the receiver owns it now; we answer PUBREL and wait for PUBCOMP [MQTT-4.3.3-4].
     * A PUBREC with an error reason (v5, >= 0x80) ends the flow instead [MQTT-4.3.3-...].
     */
    public synchronized boolean onPubrec(int packetId, boolean failed) {
        InflightMessage m = inflight.get(packetId);
        if (m == null || m.message().qos() != 2) {
            return false;
        }
        if (failed) {
            inflight.remove(packetId);
            drainQueue();
            return true;
        }
        m.markReleased();
        if (connection != null) {
            connection.sendPubrel(packetId);
        }
        return true;
    }

    /** PUBCOMP: the QoS 2 exchange is complete. */
    public synchronized boolean onPubcomp(int packetId) {
        InflightMessage m = inflight.get(packetId);
        if (m == null || !m.released()) {
            return false;
        }
        inflight.remove(packetId);
        drainQueue();
        return true;
    }

    /**
     * Records an inbound QoS 2 packet id until PUBREL. Returns false if it is already recorded, i.e. this is a
     * re-sent PUBLISH whose message was already routed and must not be delivered again [MQTT-4.3.3-9].
     */
    public synchronized boolean beginInboundQos2(int packetId) {
        return inboundQos2AwaitingRelease.add(packetId);
    }

    /** PUBREL for an inbound QoS 2 message; returns false when the packet id was unknown (v5 PUBCOMP 0x92). */
    public synchronized boolean releaseInboundQos2(int packetId) {
        return inboundQos2AwaitingRelease.remove(packetId);
    }

    public synchronized int inboundQos2Count() {
        return inboundQos2AwaitingRelease.size();
    }

    public synchronized int inflightCount() {
        return inflight.size();
    }

    public synchronized int queuedCount() {
        return queue.size();
    }

    /**
     * Removes and returns every message that reached this session through a shared subscription and is not yet
     * acknowledged (released QoS 2 messages stay: the subscriber already owns them), so another group member can
     * have them [MQTT-4.8.2-6].
     */
    public synchronized List<OutboundMessage> takeSharedMessages() {
        List<OutboundMessage> taken = new ArrayList<>();
        for (Iterator<InflightMessage> it = inflight.values().iterator(); it.hasNext(); ) {
            InflightMessage m = it.next();
            if (m.message().sharedGroupKey() != null && !m.released()) {
                taken.add(m.message());
                it.remove();
            }
        }
        for (Iterator<OutboundMessage> it = queue.iterator(); it.hasNext(); ) {
            OutboundMessage m = it.next();
            if (m.sharedGroupKey() != null) {
                taken.add(m);
                it.remove();
            }
        }
        return taken;
    }

    /** The session's state, to hand it to another node (subscriptions are added by the routing layer). */
    public synchronized SessionState snapshot() {
        List<SessionState.Inflight> out = new ArrayList<>(inflight.size());
        for (InflightMessage m : inflight.values()) {
            out.add(new SessionState.Inflight(m.packetId(), m.message(), m.released()));
        }
        return new SessionState(clientId, expiryIntervalSeconds, List.of(), out, new ArrayList<>(queue),
                new ArrayList<>(inboundQos2AwaitingRelease), lastPacketId, owner);
    }

    /** A session received from another node: not connected; the next CONNECT resumes it. */
    public static Session restore(SessionState state, SessionsConfig limits, BrokerStats stats,
                                  LongSupplier nanoClock) {
        Session s = new Session(state.clientId(), limits, stats, nanoClock);
        s.expiryIntervalSeconds = state.expiryIntervalSeconds();
        s.owner = state.owner();
        for (SessionState.Inflight m : state.inflight()) {
            InflightMessage restored = new InflightMessage(m.packetId(), m.message());
            if (m.released()) {
                restored.markReleased();
            }
            s.inflight.put(m.packetId(), restored);
        }
        s.queue.addAll(state.queued());
        s.inboundQos2AwaitingRelease.addAll(state.inboundQos2());
        s.lastPacketId = state.lastPacketId();
        return s;
    }

    /**
     * Hands this session to another node. The snapshot and {@code handOff} (which sends it) happen under this
     * session's lock, and every message delivered to this instance afterwards goes to {@code relay}: so nothing is
     * delivered into a snapshot already taken, and relayed messages always follow the session on the wire.
     */
    synchronized SessionState moveTo(java.util.function.Consumer<SessionState> handOff,
                                     java.util.function.Consumer<OutboundMessage> relay) {
        SessionState state = snapshot();
        movedToPeer = true;
        movedRelay = relay;
        handOff.accept(state);
        return state;
    }

    synchronized boolean movedToPeer() {
        return movedToPeer;
    }

    /** Drops all state; the session has ended. */
    public synchronized void clear() {
        inflight.clear();
        queue.clear();
        inboundQos2AwaitingRelease.clear();
        cancelExpiry();
    }

    synchronized void scheduleExpiry(ScheduledFuture<?> timer) {
        cancelExpiry();
        pendingExpiry = timer;
    }

    synchronized void cancelExpiry() {
        if (pendingExpiry != null) {
            pendingExpiry.cancel(false);
            pendingExpiry = null;
        }
    }

    synchronized void pendingWill(PendingWill will) {
        this.pendingWill = will;
    }

    /** Takes the delayed will, if any, cancelling its timer: the caller publishes it or drops it. */
    synchronized Will takePendingWill() {
        PendingWill p = pendingWill;
        pendingWill = null;
        if (p == null) {
            return null;
        }
        p.timer().cancel(false);
        return p.will();
    }

    /** Whether the client may read this message now; a message it may not is dropped and counted. */
    private boolean readable(OutboundMessage message) {
        // A filter still allowed as a whole settles it from a handful of cached filters, however many topics arrive.
        for (String filter : message.filters()) {
            if (readPermission.mayReadAllOf(filter)) {
                return true;
            }
        }
        if (readPermission.mayRead(message.message().topic())) {
            return true;
        }
        stats.dropped(DropReason.NOT_AUTHORIZED, message.qos());
        return false;
    }

    private int window() {
        return Math.min(limits.maxInflightMessages(), connection.receiveMaximum());
    }

    private void sendInflight(OutboundMessage message) {
        int packetId = nextPacketId();
        if (connection.sendPublish(message, packetId, false)) {
            inflight.put(packetId, new InflightMessage(packetId, message));
        }
        // Not sent (larger than the client's Maximum Packet Size): discarded as if delivered [MQTT-3.1.2-25].
    }

    private void drainQueue() {
        if (connection == null) {
            return;
        }
        long now = nanoClock.getAsLong();
        while (!queue.isEmpty() && inflight.size() < window() && connection.hasOutboundRoom()) {
            OutboundMessage next = queue.poll();
            if (next.message().isExpired(now)) {
                stats.dropped(DropReason.EXPIRED, next.qos());
                continue;
            }
            if (!readable(next)) {
                continue; // queued under rules that have changed since
            }
            if (next.qos() == 0) {
                connection.sendPublish(next, 0, false);
            } else {
                sendInflight(next);
            }
        }
    }

    private void enqueue(OutboundMessage message) {
        if (queue.size() >= limits.maxQueuedMessages()) {
            droppedMessages++;
            stats.dropped(DropReason.QUEUE_FULL, message.qos());
            // Logged once per client until it reconnects, so a flood of drops is one line, not thousands.
            if (droppedMessagesLoggedAt < 0) {
                droppedMessagesLoggedAt = droppedMessages;
                LOG.atWarn().addKeyValue("clientId", clientId)
                        .addKeyValue("remoteAddress", connection == null ? "-" : connection.remoteAddress())
                        .log("client={} queue full ({} messages): dropping new messages; total dropped for this "
                                + "client {}", clientId, limits.maxQueuedMessages(), droppedMessages);
            }
            return;
        }
        queue.add(message);
    }

    public synchronized long droppedMessages() {
        return droppedMessages;
    }

    private int nextPacketId() {
        // Packet ids 1..65535 that are not in use by an unacknowledged message [MQTT-2.2.1-3].
        for (int i = 0; i < 65_535; i++) {
            lastPacketId = lastPacketId == 65_535 ? 1 : lastPacketId + 1;
            if (!inflight.containsKey(lastPacketId)) {
                return lastPacketId;
            }
        }
        throw new IllegalStateException("no free packet id for " + clientId);
    }
}
