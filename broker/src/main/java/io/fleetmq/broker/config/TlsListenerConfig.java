package io.fleetmq.broker.config;

import java.util.List;

/**
 * A listener that speaks TLS: MQTT over TLS ({@code listeners.tls.*}, default port 8883) or WebSocket over TLS
 * ({@code listeners.wss.*}). The certificate, key and CA bundle are shared and come from {@link TlsConfig}.
 *
 * @param proxyProtocolTrustedNetworks CIDR blocks a PROXY header is accepted from, as for {@link TcpListenerConfig}
 * @param clientAuth                   whether a client certificate is not asked for, asked for, or required (mTLS)
 */
public record TlsListenerConfig(boolean enabled, String bind, int port, boolean proxyProtocol,
                                List<String> proxyProtocolTrustedNetworks, int maxConnections,
                                ClientAuth clientAuth) {

    /** Client certificate policy of one TLS listener. */
    public enum ClientAuth { NONE, OPTIONAL, REQUIRED }

    public TlsListenerConfig {
        proxyProtocolTrustedNetworks = List.copyOf(proxyProtocolTrustedNetworks);
    }

    public static TlsListenerConfig tlsDefaults() {
        return new TlsListenerConfig(false, "127.0.0.1", 8883, false, TcpListenerConfig.LOOPBACK_NETWORKS, 0,
                ClientAuth.NONE);
    }

    public static TlsListenerConfig wssDefaults() {
        return new TlsListenerConfig(false, "127.0.0.1", 8084, false, TcpListenerConfig.LOOPBACK_NETWORKS, 0,
                ClientAuth.NONE); // EMQX's wss port
    }

    /** Enabled on {@code bind}:{@code port} with {@code auth}; other settings unchanged. */
    public TlsListenerConfig enabledOn(String newBind, int newPort, ClientAuth auth) {
        return new TlsListenerConfig(true, newBind, newPort, proxyProtocol, proxyProtocolTrustedNetworks,
                maxConnections, auth);
    }

    public TlsListenerConfig withProxyProtocol(boolean proxy) {
        return new TlsListenerConfig(enabled, bind, port, proxy, proxyProtocolTrustedNetworks, maxConnections,
                clientAuth);
    }

    public TlsListenerConfig withProxyProtocolTrustedNetworks(List<String> networks) {
        return new TlsListenerConfig(enabled, bind, port, proxyProtocol, networks, maxConnections, clientAuth);
    }
}
