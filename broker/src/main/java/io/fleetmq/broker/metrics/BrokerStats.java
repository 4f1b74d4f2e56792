package io.fleetmq.broker.metrics;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * Node-wide counters, fed by the protocol, session and routing layers on every event loop and read by {@code $SYS}
 * and, through {@link BrokerMetrics}, by Prometheus. Kept free of Micrometer on the hot path: every update is a
 * {@link LongAdder} increment (no allocation, no lock); per-QoS and per-reason counters are arrays indexed by QoS or
 * enum ordinal, so no tag lookup happens per message. Micrometer reads the adders only when scraped.
 */
public final class BrokerStats {
    private static final LongConsumer NO_LATENCY = nanos -> { };

    /** Clients whose CONNECT was accepted and whose connection is still open. */
    public final AtomicLong connectedClients = new AtomicLong();
    /** TCP connections accepted by the MQTT listener. */
    public final LongAdder connectionsOpened = new LongAdder();
    /** CONNECTs accepted. */
    public final LongAdder clientsConnected = new LongAdder();
    public final LongAdder bytesReceived = new LongAdder();
    public final LongAdder bytesSent = new LongAdder();
    public final LongAdder malformedPackets = new LongAdder();
    /** CONNECTs refused by the authentication chain or the failed-login limiter. */
    public final LongAdder authFailures = new LongAdder();
    public final LongAdder unrouted = new LongAdder();
    public final LongAdder sessionsStarted = new LongAdder();
    public final LongAdder sessionsResumed = new LongAdder();
    public final LongAdder sessionsTakenOver = new LongAdder();
    public final LongAdder sessionsExpired = new LongAdder();
    /** Offline sessions ended because their owner held more than {@code limits.maxOfflineSessionsPerPrincipal}. */
    public final LongAdder sessionsEvicted = new LongAdder();
    /** CONNECTs refused because the client id's session belongs to another principal. */
    public final LongAdder clientIdTakeoversRefused = new LongAdder();

    private final LongAdder[] receivedByQos = adders(3);
    private final LongAdder[] sentByQos = adders(3);
    /** Indexed by {@code reason.ordinal() * 3 + qos}. */
    private final LongAdder[] droppedByReasonAndQos = adders(DropReason.values().length * 3);
    private final LongAdder[] closedByReason = adders(CloseReason.values().length);
    private final LongConsumer deliveryLatencyNanos;
    /** PUBLISH and SUBSCRIBE refused by the ACL. */
    public final LongAdder aclDenials = new LongAdder();
    /** Connections refused for a connection bound or the connection rate (0x89 Server busy). */
    public final LongAdder connectionsRefusedBusy = new LongAdder();
    /** Packets refused for a per-client quota: publish rate, subscriptions, topic bounds, retained bounds (0x97). */
    public final LongAdder quotaExceeded = new LongAdder();
    private final LongAdder[] refusedByLimit = adders(LimitReason.values().length);
    /** Connections closed because the PROXY protocol header was missing or invalid. */
    public final LongAdder proxyProtocolRejected = new LongAdder();
    /**
     * Connections closed unread on a PROXY protocol listener because the peer is not in the listener's
     * {@code proxyProtocolTrustedNetworks}: its header could claim any address.
     */
    public final LongAdder proxyProtocolUntrustedSource = new LongAdder();
    private final long startedAtMillis = System.currentTimeMillis();

    /** Counters only; delivery latency is not recorded (unit tests, embedded use). */
    public BrokerStats() {
        this(NO_LATENCY);
    }

    /** @param deliveryLatencyNanos receives each live delivery's publish-to-send time (a histogram) */
    public BrokerStats(LongConsumer deliveryLatencyNanos) {
        this.deliveryLatencyNanos = deliveryLatencyNanos;
    }

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    public void received(int qos) {
        receivedByQos[qos].increment();
    }

    public void sent(int qos) {
        sentByQos[qos].increment();
    }

    /** A copy of a QoS {@code qos} message for one subscriber was not delivered. */
    public void dropped(DropReason reason, int qos) {
        droppedByReasonAndQos[reason.ordinal() * 3 + qos].increment();
    }

    /** A packet was refused for a {@code limits.*} bound (also counted in {@link #quotaExceeded}). */
    public void limitExceeded(LimitReason limit) {
        refusedByLimit[limit.ordinal()].increment();
        quotaExceeded.increment();
    }

    public LongAdder limitCounter(LimitReason limit) {
        return refusedByLimit[limit.ordinal()];
    }

    public void connectionClosed(CloseReason reason) {
        closedByReason[reason.ordinal()].increment();
    }

    /** Time from receipt of the PUBLISH to writing this copy; negative values (clock skew in tests) are ignored. */
    public void deliveryLatency(long nanos) {
        if (nanos >= 0) {
            deliveryLatencyNanos.accept(nanos);
        }
    }

    public LongAdder receivedCounter(int qos) {
        return receivedByQos[qos];
    }

    public LongAdder sentCounter(int qos) {
        return sentByQos[qos];
    }

    public LongAdder droppedCounter(DropReason reason, int qos) {
        return droppedByReasonAndQos[reason.ordinal() * 3 + qos];
    }

    public LongAdder closedCounter(CloseReason reason) {
        return closedByReason[reason.ordinal()];
    }

    public long messagesReceived() {
        return sum(receivedByQos);
    }

    public long messagesSent() {
        return sum(sentByQos);
    }

    /** Undelivered copies, all reasons ({@code $SYS/broker/messages/dropped}). */
    public long messagesDropped() {
        return sum(droppedByReasonAndQos);
    }

    public long messagesDropped(DropReason reason) {
        long total = 0;
        for (int qos = 0; qos <= 2; qos++) {
            total += droppedByReasonAndQos[reason.ordinal() * 3 + qos].sum();
        }
        return total;
    }

    public long connectionsClosed() {
        return sum(closedByReason);
    }

    public long connectionsClosed(CloseReason reason) {
        return closedByReason[reason.ordinal()].sum();
    }

    private static long sum(LongAdder[] adders) {
        long total = 0;
        for (LongAdder a : adders) {
            total += a.sum();
        }
        return total;
    }

    public long uptimeSeconds() {
        return (System.currentTimeMillis() - startedAtMillis) / 1000;
    }
}
