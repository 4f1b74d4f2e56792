package io.fleetmq.bench.stats;

/**
 * Cumulative counters at one instant. Summable, so a parent process adds its workers' snapshots into one.
 * Times are epoch microseconds ({@link BenchClock}); 0 means "not yet".
 *
 * @param connected   CONNACKs accepted
 * @param connFailed  connects refused or failed (socket error, CONNACK error code, timeout)
 * @param disconnected connections lost after they were established
 * @param subscribed  SUBACKs received (granted or not: see {@code subFailed})
 * @param subFailed   SUBACK return codes 0x80 or above
 * @param sent        PUBLISH packets written
 * @param acked       publishes completed by the broker (PUBACK for QoS 1, PUBCOMP for QoS 2; QoS 0 counts on write)
 * @param received    PUBLISH packets received by subscribers
 * @param firstConnect .. lastRecv  first and last event of each kind, for the average rates in the report
 */
public record Snapshot(long connected, long connFailed, long disconnected, long subscribed, long subFailed,
                       long sent, long acked, long received,
                       long firstConnect, long lastConnect, long firstSent, long lastSent,
                       long firstRecv, long lastRecv) {

    public static final Snapshot EMPTY = new Snapshot(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public Snapshot plus(Snapshot o) {
        return new Snapshot(connected + o.connected, connFailed + o.connFailed, disconnected + o.disconnected,
                subscribed + o.subscribed, subFailed + o.subFailed, sent + o.sent, acked + o.acked,
                received + o.received,
                min(firstConnect, o.firstConnect), Math.max(lastConnect, o.lastConnect),
                min(firstSent, o.firstSent), Math.max(lastSent, o.lastSent),
                min(firstRecv, o.firstRecv), Math.max(lastRecv, o.lastRecv));
    }

    /** The smaller of two "first" times, where 0 means unset. */
    private static long min(long a, long b) {
        if (a == 0) {
            return b;
        }
        return b == 0 ? a : Math.min(a, b);
    }
}
