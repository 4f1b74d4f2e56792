package io.fleetmq.broker.config;

import java.time.Duration;

/** Graceful shutdown on SIGTERM ({@code shutdown.*}): how long clients get to receive what is in flight. */
public record ShutdownConfig(Duration gracePeriod) {
    public static ShutdownConfig defaults() {
        return new ShutdownConfig(Duration.ofSeconds(10));
    }
}
