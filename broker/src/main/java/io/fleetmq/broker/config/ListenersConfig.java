package io.fleetmq.broker.config;

/** All listeners of a node ({@code listeners.*}). TLS and WebSocket listeners join here in the security issue. */
public record ListenersConfig(TcpListenerConfig tcp) {
    public static ListenersConfig defaults() {
        return new ListenersConfig(TcpListenerConfig.defaults());
    }
}
