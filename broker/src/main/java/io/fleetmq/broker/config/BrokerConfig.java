package io.fleetmq.broker.config;

import java.util.Objects;

/**
 * A node's whole configuration, validated once at start (see {@code ConfigLoader}). Immutable; one typed record per
 * setting group so each subsystem receives only what it needs.
 *
 * @param source where the configuration came from, for the start-up log ("defaults" when no file was given)
 */
public record BrokerConfig(
        String nodeName,
        ListenersConfig listeners,
        MqttConfig mqtt,
        SessionsConfig sessions,
        AuthConfig auth,
        SysConfig sys,
        ShutdownConfig shutdown,
        TransportConfig transport,
        ClusterConfig cluster,
        HttpConfig http,
        LogConfig log,
        String source) {

    public BrokerConfig {
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(listeners, "listeners");
        Objects.requireNonNull(mqtt, "mqtt");
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(sys, "sys");
        Objects.requireNonNull(shutdown, "shutdown");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(source, "source");
    }

    /** The development default: 127.0.0.1:1883, anonymous clients allowed. */
    public static BrokerConfig defaults() {
        return new BrokerConfig("fleetmq-1", ListenersConfig.defaults(), MqttConfig.defaults(),
                SessionsConfig.defaults(), AuthConfig.defaults(), SysConfig.defaults(), ShutdownConfig.defaults(),
                TransportConfig.defaults(), ClusterConfig.defaults(), HttpConfig.defaults(), LogConfig.defaults(),
                "defaults");
    }

    public BrokerConfig withListeners(ListenersConfig l) {
        return new BrokerConfig(nodeName, l, mqtt, sessions, auth, sys, shutdown, transport, cluster, http, log,
                source);
    }

    public BrokerConfig withMqtt(MqttConfig m) {
        return new BrokerConfig(nodeName, listeners, m, sessions, auth, sys, shutdown, transport, cluster, http, log,
                source);
    }

    public BrokerConfig withSessions(SessionsConfig s) {
        return new BrokerConfig(nodeName, listeners, mqtt, s, auth, sys, shutdown, transport, cluster, http, log,
                source);
    }

    public BrokerConfig withAuth(AuthConfig a) {
        return new BrokerConfig(nodeName, listeners, mqtt, sessions, a, sys, shutdown, transport, cluster, http, log,
                source);
    }

    public BrokerConfig withSys(SysConfig s) {
        return new BrokerConfig(nodeName, listeners, mqtt, sessions, auth, s, shutdown, transport, cluster, http, log,
                source);
    }

    public BrokerConfig withShutdown(ShutdownConfig s) {
        return new BrokerConfig(nodeName, listeners, mqtt, sessions, auth, sys, s, transport, cluster, http, log,
                source);
    }

    public BrokerConfig withCluster(ClusterConfig c) {
        return new BrokerConfig(nodeName, listeners, mqtt, sessions, auth, sys, shutdown, transport, c, http, log,
                source);
    }

    public BrokerConfig withHttp(HttpConfig h) {
        return new BrokerConfig(nodeName, listeners, mqtt, sessions, auth, sys, shutdown, transport, cluster, h, log,
                source);
    }

    public BrokerConfig withLog(LogConfig l) {
        return new BrokerConfig(nodeName, listeners, mqtt, sessions, auth, sys, shutdown, transport, cluster, http, l,
                source);
    }

    public BrokerConfig withNodeName(String name) {
        return new BrokerConfig(name, listeners, mqtt, sessions, auth, sys, shutdown, transport, cluster, http, log,
                source);
    }
}
