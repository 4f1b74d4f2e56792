package io.fleetmq.broker.sys;

import io.fleetmq.broker.message.PublishMessage;
import io.fleetmq.broker.metrics.BrokerStats;
import io.fleetmq.broker.routing.PublishRouter;
import io.fleetmq.broker.session.SessionStore;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Publishes the broker's state under {@code $SYS/broker/...} as retained messages, the way Mosquitto does, so
 * existing dashboards and {@code mosquitto_sub -t '$SYS/#'} keep working. Topics starting with '$' are never
 * matched by a leading wildcard [MQTT-4.7.2-1], so only explicit {@code $SYS/...} subscribers see them.
 */
public final class SysTopicsPublisher implements Runnable {
    public static final String PREFIX = "$SYS/broker/";

    private final PublishRouter router;
    private final BrokerStats stats;
    private final SessionStore sessions;
    private final String version;
    private final LongSupplier nanoClock;
    private final Supplier<String> clusterMembers;

    public SysTopicsPublisher(PublishRouter router, BrokerStats stats, SessionStore sessions, String version,
                              LongSupplier nanoClock) {
        this(router, stats, sessions, version, nanoClock, null);
    }

    /** @param clusterMembers comma-separated member names, or null on a node that is not clustered */
    public SysTopicsPublisher(PublishRouter router, BrokerStats stats, SessionStore sessions, String version,
                              LongSupplier nanoClock, Supplier<String> clusterMembers) {
        this.clusterMembers = clusterMembers;
        this.router = router;
        this.stats = stats;
        this.sessions = sessions;
        this.version = version;
        this.nanoClock = nanoClock;
    }

    /** The current values, topic suffix to payload. */
    public Map<String, String> snapshot() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("version", "FleetMQ " + version);
        values.put("uptime", Long.toString(stats.uptimeSeconds()));
        values.put("clients/connected", Long.toString(stats.connectedClients.get()));
        values.put("clients/total", Integer.toString(sessions.size()));
        values.put("messages/received", Long.toString(stats.messagesReceived()));
        values.put("messages/sent", Long.toString(stats.messagesSent()));
        values.put("messages/dropped", Long.toString(stats.messagesDropped()));
        values.put("subscriptions/count", Integer.toString(router.registry().size()));
        values.put("retained/count", Integer.toString(router.retained().size()));
        if (clusterMembers != null) {
            values.put("cluster/members", clusterMembers.get());
        }
        return values;
    }

    @Override
    public void run() {
        long now = nanoClock.getAsLong();
        for (Map.Entry<String, String> e : snapshot().entrySet()) {
            // Per node: each node's $SYS describes itself, so it is neither forwarded nor replicated.
            router.publishLocal(PublishMessage.ofBroker(PREFIX + e.getKey(), e.getValue(), true, now));
        }
    }
}
