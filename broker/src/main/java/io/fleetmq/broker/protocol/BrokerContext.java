package io.fleetmq.broker.protocol;

import io.fleetmq.broker.auth.Security;
import io.fleetmq.broker.config.BrokerConfig;
import io.fleetmq.broker.files.FileFormatException;
import io.fleetmq.broker.metrics.BrokerStats;
import io.fleetmq.broker.routing.PublishRouter;
import io.fleetmq.broker.session.ClientRegistry;
import io.fleetmq.broker.session.SessionManager;

import java.util.function.LongSupplier;

/**
 * The node-wide services every connection uses.
 *
 * @param security authentication chain, ACL and failed-login limiter
 * @param limits   node-wide connection counters and rate limits
 * @param clients  where client ids are live: this node alone, or the cluster (a CONNECT claims its client id)
 */
public record BrokerContext(BrokerConfig config, SessionManager sessions, PublishRouter router, BrokerStats stats,
                            LongSupplier nanoClock, Security security, ConnectionLimits limits,
                            ClientRegistry clients) {

    /** A single node, for tests that need no files: the security and limits {@code config} describes. */
    public BrokerContext(BrokerConfig config, SessionManager sessions, PublishRouter router, BrokerStats stats,
                         LongSupplier nanoClock) {
        this(config, sessions, router, stats, nanoClock, securityOf(config, nanoClock),
                new ConnectionLimits(config.limits(), stats, nanoClock), ClientRegistry.LOCAL);
    }

    private static Security securityOf(BrokerConfig config, LongSupplier nanoClock) {
        try {
            return Security.create(config.auth(), nanoClock);
        } catch (FileFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
