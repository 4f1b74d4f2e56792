package io.fleetmq.broker;

import io.fleetmq.broker.config.BrokerConfig;

import java.net.InetSocketAddress;

/**
 * A running FleetMQ node: listeners bound, sessions served. Start with {@link #start(BrokerConfig)}; stop with
 * {@link #close()} (graceful: v5 clients get DISCONNECT 0x8B, in-flight writes are flushed within the configured
 * grace period).
 */
public final class FleetMqBroker implements AutoCloseable {

    public static FleetMqBroker start(BrokerConfig config) throws InterruptedException {
        throw new UnsupportedOperationException("broker engine not wired yet");
    }

    /** Address the TCP listener is bound to (the real port when configured with port 0). */
    public InetSocketAddress tcpAddress() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
    }
}
