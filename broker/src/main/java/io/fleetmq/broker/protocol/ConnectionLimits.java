package io.fleetmq.broker.protocol;

import io.fleetmq.broker.config.LimitsConfig;
import io.fleetmq.broker.metrics.BrokerStats;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Node-wide overload protection at accept time: open connections per node and per listener, and new connections
 * per second. A connection over a bound is not dropped unanswered: it is marked, and its CONNECT gets CONNACK 0x89
 * Server busy (v5) or 3 Server unavailable (v3.1.1), so a well-behaved client backs off instead of retrying blindly.
 */
public final class ConnectionLimits {
    /** Set on a channel that must be refused as busy; the value says which bound it hit. */
    static final AttributeKey<String> BUSY = AttributeKey.valueOf("fleetmq.busy");

    private final LimitsConfig config;
    private final BrokerStats stats;
    private final LongSupplier nanoClock;
    private final AtomicInteger open = new AtomicInteger();
    private final TokenBucket connectionRate;

    public ConnectionLimits(LimitsConfig config, BrokerStats stats, LongSupplier nanoClock) {
        this.config = config;
        this.stats = stats;
        this.nanoClock = nanoClock;
        this.connectionRate = config.connectionRate() > 0 ? new TokenBucket(config.connectionRate(), nanoClock) : null;
    }

    /**
     * Counts a new channel against the node and its listener, or marks it busy. Counts are released when the
     * channel closes.
     *
     * @param listenerOpen   the listener's open-connection counter
     * @param listenerMax    the listener's bound, 0 for none
     */
    public void admit(Channel ch, AtomicInteger listenerOpen, int listenerMax) {
        String busy = null;
        // Increment first, then check and undo: exact under concurrent accepts on several event loops.
        int node = open.incrementAndGet();
        int listener = listenerOpen.incrementAndGet();
        if (connectionRate != null && !connectionRate.tryTake()) {
            busy = "connection rate above limits.connectionRate=" + config.connectionRate() + "/s";
        } else if (config.maxConnections() > 0 && node > config.maxConnections()) {
            busy = "node at limits.maxConnections=" + config.maxConnections();
        } else if (listenerMax > 0 && listener > listenerMax) {
            busy = "listener at its maxConnections=" + listenerMax;
        }
        if (busy != null) {
            open.decrementAndGet();
            listenerOpen.decrementAndGet();
            stats.connectionsRefusedBusy.increment();
            ch.attr(BUSY).set(busy);
            return;
        }
        ch.closeFuture().addListener(f -> {
            open.decrementAndGet();
            listenerOpen.decrementAndGet();
        });
    }

    /** A per-client PUBLISH budget, or null when {@code limits.publishRate} is 0. */
    TokenBucket newPublishBudget() {
        return config.publishRate() > 0 ? new TokenBucket(config.publishRate(), nanoClock) : null;
    }

    LimitsConfig config() {
        return config;
    }
}
