package io.fleetmq.bench.run;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Asks a running benchmark to finish early (Ctrl-C, or the parent's "stop" to a worker) and lets the asker wait
 * until the report is written.
 */
public final class StopSignal {
    private volatile boolean requested;
    private final CountDownLatch done = new CountDownLatch(1);

    public void request() {
        requested = true;
    }

    public boolean requested() {
        return requested;
    }

    public void markDone() {
        done.countDown();
    }

    /** Waits up to {@code millis} for the run to finish its report; false on time-out. */
    public boolean awaitDone(long millis) throws InterruptedException {
        return done.await(millis, TimeUnit.MILLISECONDS);
    }
}
