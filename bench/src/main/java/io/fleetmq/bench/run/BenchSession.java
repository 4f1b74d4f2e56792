package io.fleetmq.bench.run;

import io.fleetmq.bench.stats.Snapshot;
import org.HdrHistogram.Histogram;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The run loop shared by every mode and by workers: start the driver, call the ticker once a second, stop on the
 * first of: stop requested, {@code --duration} elapsed, {@code --expect} messages received, the driver finished.
 */
public final class BenchSession {

    /** Called once a second (and once more after the stop) with the current time. */
    public interface Ticker {
        void tick(long nowNanos, long elapsedSeconds);
    }

    /** What a run produced. */
    public record Outcome(Snapshot snapshot, Histogram latencies, double elapsedSeconds) {
    }

    private BenchSession() {
    }

    public static Outcome run(Driver driver, long durationSecs, long expect, StopSignal stop, Ticker ticker) {
        long start = System.nanoTime();
        long second = TimeUnit.SECONDS.toNanos(1);
        long nextTick = start + second;
        long deadline = durationSecs > 0 ? start + TimeUnit.SECONDS.toNanos(durationSecs) : Long.MAX_VALUE;
        driver.start();
        long end;
        try {
            while (true) {
                long now = System.nanoTime();
                if (now - nextTick >= 0) {
                    ticker.tick(now, (nextTick - start) / second);
                    nextTick += second;
                }
                if (stop.requested() || now - deadline >= 0 || driver.finished()
                        || (expect > 0 && driver.stats().snapshot().received() >= expect)) {
                    end = now;
                    break;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
        } finally {
            driver.stop();
        }
        long now = System.nanoTime();
        ticker.tick(now, Math.round((now - start) / 1e9));
        return new Outcome(driver.stats().snapshot(), driver.stats().latencies(), (end - start) / 1e9);
    }
}
