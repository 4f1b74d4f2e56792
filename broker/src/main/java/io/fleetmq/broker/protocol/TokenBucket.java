package io.fleetmq.broker.protocol;

import java.util.function.LongSupplier;

/**
 * At most {@code perSecond} takes per second, with bursts up to one second's worth. Thread-safe (synchronized: the
 * node-wide connection rate is taken from every event loop; a per-client bucket only from its own).
 */
final class TokenBucket {
    private final long perSecond;
    private final LongSupplier nanoClock;
    private double tokens;
    private long lastNanos;

    TokenBucket(long perSecond, LongSupplier nanoClock) {
        this.perSecond = perSecond;
        this.nanoClock = nanoClock;
        this.tokens = perSecond;
        this.lastNanos = nanoClock.getAsLong();
    }

    synchronized boolean tryTake() {
        long now = nanoClock.getAsLong();
        tokens = Math.min(perSecond, tokens + (now - lastNanos) * perSecond / 1e9);
        lastNanos = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
