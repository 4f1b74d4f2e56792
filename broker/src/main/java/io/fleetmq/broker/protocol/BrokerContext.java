package io.fleetmq.broker.protocol;

import io.fleetmq.broker.config.BrokerConfig;
import io.fleetmq.broker.metrics.BrokerStats;
import io.fleetmq.broker.routing.PublishRouter;
import io.fleetmq.broker.session.ClientRegistry;
import io.fleetmq.broker.session.SessionManager;

import java.util.function.LongSupplier;

/**
 * The node-wide services every connection uses.
 *
 * @param clients where client ids are live: this node alone, or the cluster (a CONNECT claims its client id)
 */
public record BrokerContext(BrokerConfig config, SessionManager sessions, PublishRouter router, BrokerStats stats,
                            LongSupplier nanoClock, ClientRegistry clients) {

    /** A single node: every client id is live here. */
    public BrokerContext(BrokerConfig config, SessionManager sessions, PublishRouter router, BrokerStats stats,
                         LongSupplier nanoClock) {
        this(config, sessions, router, stats, nanoClock, ClientRegistry.LOCAL);
    }
}
