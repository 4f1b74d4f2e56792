package io.fleetmq.broker.config;

import java.util.List;

/**
 * A plain listener: TCP ({@code listeners.tcp.*}) or WebSocket ({@code listeners.ws.*}). Port 0 asks the OS for a
 * free port (used by tests).
 *
 * @param proxyProtocol                when true every connection must start with a PROXY protocol v1 or v2 header
 *                                     (HAProxy, AWS NLB); one without it is closed
 * @param proxyProtocolTrustedNetworks CIDR blocks a PROXY header is accepted from (the load balancer's subnets); a
 *                                     connection from any other peer is closed before a byte is read, since its
 *                                     header could claim any address
 * @param maxConnections               open connections allowed on this listener; 0 means no per-listener bound
 */
public record TcpListenerConfig(boolean enabled, String bind, int port, boolean proxyProtocol,
                                List<String> proxyProtocolTrustedNetworks, int maxConnections) {

    /** Only a proxy on the same host is trusted unless configured: the safe default for a mistaken setup. */
    public static final List<String> LOOPBACK_NETWORKS = List.of("127.0.0.0/8", "::1/128");

    public TcpListenerConfig {
        proxyProtocolTrustedNetworks = List.copyOf(proxyProtocolTrustedNetworks);
    }

    /** A listener without PROXY protocol and without its own connection bound. */
    public TcpListenerConfig(boolean enabled, String bind, int port) {
        this(enabled, bind, port, false, LOOPBACK_NETWORKS, 0);
    }

    public static TcpListenerConfig defaults() {
        return new TcpListenerConfig(true, "127.0.0.1", 1883);
    }

    /** {@code listeners.ws.*}: off unless configured. */
    public static TcpListenerConfig wsDefaults() {
        return new TcpListenerConfig(false, "127.0.0.1", 8083); // EMQX's ws port; 8080 is the HTTP port
    }

    public TcpListenerConfig withPort(int newPort) {
        return new TcpListenerConfig(enabled, bind, newPort, proxyProtocol, proxyProtocolTrustedNetworks,
                maxConnections);
    }

    public TcpListenerConfig withProxyProtocol(boolean proxy) {
        return new TcpListenerConfig(enabled, bind, port, proxy, proxyProtocolTrustedNetworks, maxConnections);
    }

    public TcpListenerConfig withProxyProtocolTrustedNetworks(List<String> networks) {
        return new TcpListenerConfig(enabled, bind, port, proxyProtocol, networks, maxConnections);
    }

    public TcpListenerConfig withMaxConnections(int max) {
        return new TcpListenerConfig(enabled, bind, port, proxyProtocol, proxyProtocolTrustedNetworks, max);
    }
}
