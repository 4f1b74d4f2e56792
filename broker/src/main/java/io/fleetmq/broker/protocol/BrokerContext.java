package io.fleetmq.broker.protocol;

import io.fleetmq.broker.config.BrokerConfig;
import io.fleetmq.broker.metrics.BrokerStats;
import io.fleetmq.broker.routing.PublishRouter;
import io.fleetmq.broker.session.SessionManager;

import java.util.function.LongSupplier;

/** The node-wide services every connection uses. */
public record BrokerContext(BrokerConfig config, SessionManager sessions, PublishRouter router, BrokerStats stats,
                            LongSupplier nanoClock) {
}
