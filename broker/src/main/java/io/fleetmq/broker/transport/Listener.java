package io.fleetmq.broker.transport;

import io.netty.handler.ssl.SslContext;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One listener's pipeline shape.
 *
 * @param name           {@code tcp}, {@code tls}, {@code ws} or {@code wss}: the config prefix and log scheme
 * @param proxyProtocol  a PROXY v1/v2 header is required before anything else
 * @param trustedProxies the peers such a header is accepted from (ignored without {@code proxyProtocol})
 * @param tls            the current server context, or null for plain listeners
 * @param webSocket      MQTT over WebSocket (path /mqtt, subprotocol mqtt)
 * @param maxConnections this listener's bound, 0 for none
 * @param open           this listener's open connections
 */
record Listener(String name, boolean proxyProtocol, TrustedProxies trustedProxies, Supplier<SslContext> tls,
                boolean webSocket, int maxConnections, AtomicInteger open) {

    /** Path of the WebSocket endpoint, as browsers' and apps' MQTT libraries expect it. */
    static final String WEBSOCKET_PATH = "/mqtt";

    /** "mqtt" per spec 6.0; "mqttv3.1" for older MQTT 3.1 clients. */
    static final String WEBSOCKET_SUBPROTOCOLS = "mqtt,mqttv3.1";
}
