package io.fleetmq.broker.config;

import java.time.Duration;

/** The {@code $SYS/broker/...} topics ({@code sys.*}): published retained every {@code interval}. */
public record SysConfig(boolean enabled, Duration interval) {
    public static SysConfig defaults() {
        return new SysConfig(true, Duration.ofSeconds(10));
    }
}
