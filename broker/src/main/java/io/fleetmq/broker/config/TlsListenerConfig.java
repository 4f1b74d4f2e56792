package io.fleetmq.broker.config;

/**
 * A listener that speaks TLS: MQTT over TLS ({@code listeners.tls.*}, default port 8883) or WebSocket over TLS
 * ({@code listeners.wss.*}). The certificate, key and CA bundle are shared and come from {@link TlsConfig}.
 *
 * @param clientAuth whether a client certificate is not asked for, asked for, or required (mTLS)
 */
public record TlsListenerConfig(boolean enabled, String bind, int port, boolean proxyProtocol, int maxConnections,
                                ClientAuth clientAuth) {

    /** Client certificate policy of one TLS listener. */
    public enum ClientAuth { NONE, OPTIONAL, REQUIRED }

    public static TlsListenerConfig tlsDefaults() {
        return new TlsListenerConfig(false, "127.0.0.1", 8883, false, 0, ClientAuth.NONE);
    }

    public static TlsListenerConfig wssDefaults() {
        return new TlsListenerConfig(false, "127.0.0.1", 8084, false, 0, ClientAuth.NONE); // EMQX's wss port
    }

    /** Enabled on {@code bind}:{@code port} with {@code auth}; other settings unchanged. */
    public TlsListenerConfig enabledOn(String newBind, int newPort, ClientAuth auth) {
        return new TlsListenerConfig(true, newBind, newPort, proxyProtocol, maxConnections, auth);
    }

    public TlsListenerConfig withProxyProtocol(boolean proxy) {
        return new TlsListenerConfig(enabled, bind, port, proxy, maxConnections, clientAuth);
    }
}
