package io.fleetmq.broker.cli;

import io.fleetmq.broker.FleetMqBroker;
import io.fleetmq.broker.config.BrokerConfig;

/**
 * Starts a broker for {@link BrokerCommand}; an interface so CLI tests can simulate start failures without sockets.
 * The returned handle's {@code close()} is the graceful shutdown.
 */
@FunctionalInterface
public interface BrokerStarter {

    BrokerStarter REAL = FleetMqBroker::start;

    AutoCloseable start(BrokerConfig config) throws Exception;
}
