package io.fleetmq.bench.testing;

import io.fleetmq.broker.FleetMqBroker;
import io.fleetmq.broker.config.BrokerConfig;
import io.fleetmq.broker.config.HttpConfig;
import io.fleetmq.broker.config.ListenersConfig;
import io.fleetmq.broker.config.TcpListenerConfig;

/** A real FleetMQ broker in this JVM, on 127.0.0.1 with an OS-assigned port (any 127.0.0.x source address reaches it). */
public final class BrokerFixture implements AutoCloseable {
    private final FleetMqBroker broker;

    private BrokerFixture(FleetMqBroker broker) {
        this.broker = broker;
    }

    public static BrokerFixture start() {
        try {
            return new BrokerFixture(FleetMqBroker.start(BrokerConfig.defaults()
                    .withListeners(new ListenersConfig(new TcpListenerConfig(true, "127.0.0.1", 0)))
                    // The HTTP port is not used by the bench tests; 0 keeps them off the default 8080.
                    .withHttp(new HttpConfig(true, "127.0.0.1", 0, ""))));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public FleetMqBroker broker() {
        return broker;
    }

    public int port() {
        return broker.tcpAddress().getPort();
    }

    @Override
    public void close() {
        broker.close();
    }
}
