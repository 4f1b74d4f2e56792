package io.fleetmq.broker.config;

/**
 * A plain listener: TCP ({@code listeners.tcp.*}) or WebSocket ({@code listeners.ws.*}). Port 0 asks the OS for a
 * free port (used by tests).
 *
 * @param proxyProtocol   when true every connection must start with a PROXY protocol v1 or v2 header (HAProxy,
 *                        AWS NLB); one without it is closed
 * @param maxConnections  open connections allowed on this listener; 0 means no per-listener bound
 */
public record TcpListenerConfig(boolean enabled, String bind, int port, boolean proxyProtocol, int maxConnections) {

    /** A listener without PROXY protocol and without its own connection bound. */
    public TcpListenerConfig(boolean enabled, String bind, int port) {
        this(enabled, bind, port, false, 0);
    }

    public static TcpListenerConfig defaults() {
        return new TcpListenerConfig(true, "127.0.0.1", 1883);
    }

    /** {@code listeners.ws.*}: off unless configured. */
    public static TcpListenerConfig wsDefaults() {
        return new TcpListenerConfig(false, "127.0.0.1", 8083); // EMQX's ws port; 8080 is the HTTP port
    }

    public TcpListenerConfig withPort(int newPort) {
        return new TcpListenerConfig(enabled, bind, newPort, proxyProtocol, maxConnections);
    }

    public TcpListenerConfig withProxyProtocol(boolean proxy) {
        return new TcpListenerConfig(enabled, bind, port, proxy, maxConnections);
    }

    public TcpListenerConfig withMaxConnections(int max) {
        return new TcpListenerConfig(enabled, bind, port, proxyProtocol, max);
    }
}
