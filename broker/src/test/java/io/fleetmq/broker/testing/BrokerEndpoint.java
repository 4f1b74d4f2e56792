package io.fleetmq.broker.testing;

/**
 * Where a running test broker listens. Implemented by {@link TestBroker} (started and closed by the test) and by
 * {@link BrokerExtension} (started and closed by JUnit), so client helpers accept either.
 */
public interface BrokerEndpoint {

    String host();

    int port();

    /** {@code tcp://HOST:PORT}, the form Paho expects. */
    default String uri() {
        return "tcp://" + host() + ":" + port();
    }
}
