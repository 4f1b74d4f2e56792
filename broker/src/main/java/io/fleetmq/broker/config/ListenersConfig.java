package io.fleetmq.broker.config;

/** All listeners of a node ({@code listeners.*}): plain TCP, TLS, WebSocket and WebSocket over TLS. */
public record ListenersConfig(TcpListenerConfig tcp, TlsListenerConfig tls, TcpListenerConfig ws,
                              TlsListenerConfig wss) {

    /** Only the TCP listener; the others keep their (disabled) defaults. */
    public ListenersConfig(TcpListenerConfig tcp) {
        this(tcp, TlsListenerConfig.tlsDefaults(), TcpListenerConfig.wsDefaults(), TlsListenerConfig.wssDefaults());
    }

    public static ListenersConfig defaults() {
        return new ListenersConfig(TcpListenerConfig.defaults());
    }

    public ListenersConfig withTcp(TcpListenerConfig l) {
        return new ListenersConfig(l, tls, ws, wss);
    }

    public ListenersConfig withTls(TlsListenerConfig l) {
        return new ListenersConfig(tcp, l, ws, wss);
    }

    public ListenersConfig withWs(TcpListenerConfig l) {
        return new ListenersConfig(tcp, tls, l, wss);
    }

    public ListenersConfig withWss(TlsListenerConfig l) {
        return new ListenersConfig(tcp, tls, ws, l);
    }
}
