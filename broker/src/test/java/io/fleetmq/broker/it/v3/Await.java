package io.fleetmq.broker.it.v3;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded polling, for conditions that have no event to wait on. */
final class Await {
    private Await() {
    }

    /** Polls {@code condition} every 20 ms until true; AssertionError with {@code what} after {@code timeout}. */
    static void until(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
            }
            sleep(Duration.ofMillis(20));
        }
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
