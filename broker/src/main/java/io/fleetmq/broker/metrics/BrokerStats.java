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
    private final long startedAtMillis = System.currentTimeMillis();

    public long uptimeSeconds() {
        return (System.currentTimeMillis() - startedAtMillis) / 1000;
    }
}
