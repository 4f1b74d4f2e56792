package io.fleetmq.broker.testing;

import io.fleetmq.broker.FleetMqBroker;
import io.fleetmq.broker.config.BrokerConfig;
import io.fleetmq.broker.config.HttpConfig;
import io.fleetmq.broker.config.ListenersConfig;
import io.fleetmq.broker.config.TcpListenerConfig;

import java.util.function.UnaryOperator;

/**
 * A real broker on 127.0.0.1 with an OS-assigned port, for tests that talk to it over real sockets. For a broker per
 * test class or per test managed by JUnit, see {@link BrokerExtension}.
 * <pre>
 * try (TestBroker broker = TestBroker.start()) {
 *     client.connect(broker.uri());
 * }
 * </pre>
 */
public final class TestBroker implements AutoCloseable, BrokerEndpoint {
    private final FleetMqBroker broker;

    private TestBroker(FleetMqBroker broker) {
        this.broker = broker;
    }

    public static TestBroker start() {
        return start(UnaryOperator.identity());
    }

    /**
     * Starts with the development defaults on free ports (MQTT and HTTP, both on 127.0.0.1), after {@code customize}
     * has adjusted them.
     */
    public static TestBroker start(UnaryOperator<BrokerConfig> customize) {
        BrokerConfig base = BrokerConfig.defaults()
                .withListeners(new ListenersConfig(new TcpListenerConfig(true, "127.0.0.1", 0)))
                .withHttp(new HttpConfig(true, "127.0.0.1", 0, ""));
        try {
            return new TestBroker(FleetMqBroker.start(customize.apply(base)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public FleetMqBroker broker() {
        return broker;
    }

    @Override
    public int port() {
        return broker.tcpAddress().getPort();
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public void close() {
        broker.close();
    }
}
