package io.fleetmq.broker.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Counts failed logins per source address in one-minute windows. An address over the limit has its further CONNECTs
 * refused before any password is hashed, so a flood of bad logins costs the broker almost nothing and leaves every
 * other client served. The table is bounded: when full, windows that have ended are dropped first, then everything
 * (forgetting a few counts is better than unbounded memory under an address-spraying attack).
 */
public final class FailedLoginLimiter {
    private static final long WINDOW_NANOS = 60_000_000_000L;
    private static final int MAX_ADDRESSES = 100_000;

    private record Window(long startNanos, int failures) {
    }

    private final int perMinute;
    private final LongSupplier nanoClock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    public FailedLoginLimiter(int perMinute, LongSupplier nanoClock) {
        this.perMinute = perMinute;
        this.nanoClock = nanoClock;
    }

    /** True when {@code address} has used up its failed logins for the current minute. */
    public boolean blocked(String address) {
        Window w = windows.get(address);
        return w != null && nanoClock.getAsLong() - w.startNanos() < WINDOW_NANOS && w.failures() >= perMinute;
    }

    /** Counts a failed login; true when this one used up the address's budget (it is blocked from now on). */
    public boolean failed(String address) {
        long now = nanoClock.getAsLong();
        if (windows.size() >= MAX_ADDRESSES) {
            windows.values().removeIf(w -> now - w.startNanos() >= WINDOW_NANOS);
            if (windows.size() >= MAX_ADDRESSES) {
                windows.clear();
            }
        }
        Window w = windows.compute(address, (a, old) -> old == null || now - old.startNanos() >= WINDOW_NANOS
                ? new Window(now, 1) : new Window(old.startNanos(), old.failures() + 1));
        return w.failures() == perMinute;
    }
}
