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
        Objects.requireNonNull(source, "source");
    }

    /** The development default: 127.0.0.1:1883, anonymous clients allowed. */
    public static BrokerConfig defaults() {
        return new BrokerConfig("fleetmq-1", ListenersConfig.defaults(), TlsConfig.defaults(), MqttConfig.defaults(),
                SessionsConfig.defaults(), AuthConfig.defaults(), LimitsConfig.defaults(), SysConfig.defaults(),
                ShutdownConfig.defaults(), TransportConfig.defaults(), "defaults");
    }

    public BrokerConfig withListeners(ListenersConfig l) {
        return new BrokerConfig(nodeName, l, tls, mqtt, sessions, auth, limits, sys, shutdown, transport, source);
    }

    public BrokerConfig withTls(TlsConfig t) {
        return new BrokerConfig(nodeName, listeners, t, mqtt, sessions, auth, limits, sys, shutdown, transport, source);
    }

    public BrokerConfig withMqtt(MqttConfig m) {
        return new BrokerConfig(nodeName, listeners, tls, m, sessions, auth, limits, sys, shutdown, transport, source);
    }

    public BrokerConfig withSessions(SessionsConfig s) {
        return new BrokerConfig(nodeName, listeners, tls, mqtt, s, auth, limits, sys, shutdown, transport, source);
    }

    public BrokerConfig withAuth(AuthConfig a) {
        return new BrokerConfig(nodeName, listeners, tls, mqtt, sessions, a, limits, sys, shutdown, transport, source);
    }

    public BrokerConfig withLimits(LimitsConfig l) {
        return new BrokerConfig(nodeName, listeners, tls, mqtt, sessions, auth, l, sys, shutdown, transport, source);
    }

    public BrokerConfig withSys(SysConfig s) {
        return new BrokerConfig(nodeName, listeners, tls, mqtt, sessions, auth, limits, s, shutdown, transport, source);
    }

    public BrokerConfig withShutdown(ShutdownConfig s) {
        return new BrokerConfig(nodeName, listeners, tls, mqtt, sessions, auth, limits, sys, s, transport, source);
    }
}
