package io.fleetmq.bench.stats;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters and latency recorder of one process. Every method may be called from any event-loop thread; counters
 * are {@link LongAdder}s and latencies go to an HdrHistogram {@link Recorder}, so recording never blocks.
 * Latencies are recorded in microseconds.
 */
public final class BenchStats implements StatsSource {
    private final LongAdder connected = new LongAdder();
    private final LongAdder connFailed = new LongAdder();
    private final LongAdder disconnected = new LongAdder();
    private final LongAdder subscribed = new LongAdder();
    private final LongAdder subFailed = new LongAdder();
    private final LongAdder sent = new LongAdder();
    private final LongAdder acked = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final AtomicLong firstConnect = new AtomicLong();
    private final AtomicLong lastConnect = new AtomicLong();
    private final AtomicLong firstSent = new AtomicLong();
    private final AtomicLong lastSent = new AtomicLong();
    private final AtomicLong firstRecv = new AtomicLong();
    private final AtomicLong lastRecv = new AtomicLong();

    private final Recorder recorder = new Recorder(3);
    private final Histogram total = new Histogram(3);

    public void connected() {
        connected.increment();
        mark(firstConnect, lastConnect);
    }

    public void connectFailed() {
        connFailed.increment();
    }

    public void disconnected() {
        disconnected.increment();
    }

    public void subscribed(boolean granted) {
        subscribed.increment();
        if (!granted) {
            subFailed.increment();
        }
    }

    public void sent() {
        sent.increment();
        mark(firstSent, lastSent);
    }

    public void acked() {
        acked.increment();
    }

    /** One message received; {@code sentMicros} is the publisher's timestamp from the payload, or -1 if none. */
    public void received(long sentMicros) {
        received.increment();
        long now = mark(firstRecv, lastRecv);
        if (sentMicros > 0) {
            recorder.recordValue(Math.max(0, now - sentMicros));
        }
    }

    private static long mark(AtomicLong first, AtomicLong last) {
        long now = BenchClock.epochMicros();
        if (first.get() == 0) {
            first.compareAndSet(0, now);
        }
        last.accumulateAndGet(now, Math::max);
        return now;
    }

    @Override
    public Snapshot snapshot() {
        return new Snapshot(connected.sum(), connFailed.sum(), disconnected.sum(), subscribed.sum(), subFailed.sum(),
                sent.sum(), acked.sum(), received.sum(), firstConnect.get(), lastConnect.get(), firstSent.get(),
                lastSent.get(), firstRecv.get(), lastRecv.get());
    }

    /** All latencies recorded so far (microseconds), as a copy. */
    @Override
    public synchronized Histogram latencies() {
        total.add(recorder.getIntervalHistogram());
        return total.copy();
    }
}
