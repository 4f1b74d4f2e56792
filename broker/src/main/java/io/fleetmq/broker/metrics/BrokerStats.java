package io.fleetmq.broker.metrics;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Node-wide counters and gauges, fed by the protocol layer and read by {@code $SYS} (and, in the observability
 * issue, by the Prometheus registry). Lock-free: updated from every event loop.
 */
public final class BrokerStats {
    public final AtomicLong connectedClients = new AtomicLong();
    public final LongAdder connectionsOpened = new LongAdder();
    public final LongAdder connectionsClosed = new LongAdder();
    public final LongAdder messagesReceived = new LongAdder();
    public final LongAdder messagesSent = new LongAdder();
    public final LongAdder messagesDropped = new LongAdder();
    public final LongAdder bytesReceived = new LongAdder();
    public final LongAdder bytesSent = new LongAdder();
    public final LongAdder malformedPackets = new LongAdder();
    /** CONNECTs refused by the authentication chain or the failed-login limiter. */
    public final LongAdder authFailures = new LongAdder();
    /** PUBLISH and SUBSCRIBE refused by the ACL. */
    public final LongAdder aclDenials = new LongAdder();
    /** Connections refused for a connection bound or the connection rate (0x89 Server busy). */
    public final LongAdder connectionsRefusedBusy = new LongAdder();
    /** Packets refused for a per-client quota: publish rate, subscriptions, topic length or levels (0x97). */
    public final LongAdder quotaExceeded = new LongAdder();
    /** Connections closed because the PROXY protocol header was missing or invalid. */
    public final LongAdder proxyProtocolRejected = new LongAdder();
    private final long startedAtMillis = System.currentTimeMillis();

    public long uptimeSeconds() {
        return (System.currentTimeMillis() - startedAtMillis) / 1000;
    }
}
