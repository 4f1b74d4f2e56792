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
        TlsConfig tls,
        MqttConfig mqtt,
        SessionsConfig sessions,
        AuthConfig auth,
        LimitsConfig limits,
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
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(mqtt, "mqtt");
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(limits, "limits");
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
        return new BrokerConfig("fleetmq-1", ListenersConfig.defaults(), TlsConfig.defaults(), MqttConfig.defaults(),
                SessionsConfig.defaults(), AuthConfig.defaults(), LimitsConfig.defaults(), SysConfig.defaults(),
                ShutdownConfig.defaults(), TransportConfig.defaults(), ClusterConfig.defaults(),
                HttpConfig.defaults(), LogConfig.defaults(), "defaults");
    }

    public BrokerConfig withListeners(ListenersConfig value) {
        return new BrokerConfig(nodeName, value, tls, mqtt, sessions, auth, limits, sys, shutdown, transport,
                cluster, http, log, source);
    }

    public BrokerConfig withTls(TlsConfig value) {
        return new BrokerConfig(nodeName, listeners, value, mqtt, sessions, auth, limits, sys, shutdown, transport,
                cluster, http, log, source);
    }

    public BrokerConfig withMqtt(MqttConfig value) {
        return new BrokerConfig(nodeName, listeners, tls, value, sessions, auth, limits, sys, shutdown, transport,
                cluster, http, log, source);
    }

    public BrokerConfig withSessions(SessionsConfig value) {
        return new BrokerConfig(nodeName, listeners, tls, mqtt, value, auth, limits, sys, shutdown, transport,
                cluster, http, log, source);
    }

    public BrokerConfig withAuth(AuthConfig value) {
        return new BrokerConfig(nodeName, listeners, tls, mqtt, sessions, value, limits, sys, shutdown, transport,
                cluster, http, log, source);
    }

    public BrokerConfig withLimits(LimitsConfig value) {
        return new BrokerConfig(nodeName, listeners, tls, mqtt, sessions, auth, value, sys, shutdown, transport,
                cluster, http, log, source);
    }

    public BrokerConfig withSys(SysConfig value) {
        return new BrokerConfig(nodeName, listeners, tls, mqtt, sessions, auth, limits, value, shutdown, transport,
                cluster, http, log, source);
    }

    public BrokerConfig withShutdown(ShutdownConfig value) {
        return new BrokerConfig(nodeName, listeners, tls, mqtt, sessions, auth, limits, sys, value, transport,
                cluster, http, log, source);
    }

    public BrokerConfig withCluster(ClusterConfig value) {
        return new BrokerConfig(nodeName, listeners, tls, mqtt, sessions, auth, limits, sys, shutdown, transport,
                value, http, log, source);
    }

    public BrokerConfig withHttp(HttpConfig value) {
        return new BrokerConfig(nodeName, listeners, tls, mqtt, sessions, auth, limits, sys, shutdown, transport,
                cluster, value, log, source);
    }

    public BrokerConfig withLog(LogConfig value) {
        return new BrokerConfig(nodeName, listeners, tls, mqtt, sessions, auth, limits, sys, shutdown, transport,
                cluster, http, value, source);
    }

    public BrokerConfig withNodeName(String value) {
        return new BrokerConfig(value, listeners, tls, mqtt, sessions, auth, limits, sys, shutdown, transport,
                cluster, http, log, source);
    }
}
