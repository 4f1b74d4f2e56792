package io.fleetmq.bench.stats;

/**
 * Epoch time in microseconds, for the timestamp carried in each publish payload and read back by subscribers.
 * <p>
 * {@code System.currentTimeMillis()} alone has millisecond resolution; {@code System.nanoTime()} has no epoch. This
 * clock reads the wall clock once, at class load, and adds the {@code nanoTime} elapsed since then:
 * {@code now = startMillis * 1000 + (nanoTime - startNanos) / 1000}. Within one process it is monotonic with
 * microsecond resolution. Across processes (publisher and subscriber in different JVMs or on different hosts) the
 * two anchors differ by the wall-clock error at each start (about 1 ms on one host, NTP accuracy across hosts), so
 * latencies between processes carry that error; negative results are recorded as 0.
 */
public final class BenchClock {
    private static final long START_MICROS = System.currentTimeMillis() * 1000L;
    private static final long START_NANOS = System.nanoTime();

    private BenchClock() {
    }

    public static long epochMicros() {
        return START_MICROS + (System.nanoTime() - START_NANOS) / 1000L;
    }
}
