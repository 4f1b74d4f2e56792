package io.fleetmq.broker.protocol;

/** Names of the handlers in a client channel's pipeline, in pipeline order. */
public final class ChannelHandlerNames {
    /** Counts raw bytes in and out (fleetmq_bytes_received_total / _sent_total); first, next to the socket. */
    public static final String BYTE_COUNTER = "byteCounter";
    /** PROXY protocol v1/v2 header decoder and the handler that takes the real client address from it. */
    public static final String PROXY_GATE = "proxyGate";
    public static final String PROXY_DECODER = "proxyDecoder";
    public static final String PROXY_HANDLER = "proxyHandler";
    public static final String TLS = "tls";
    /** WebSocket listeners: HTTP upgrade on /mqtt, then binary frames carry MQTT packets. */
    public static final String HTTP_CODEC = "httpCodec";
    public static final String HTTP_AGGREGATOR = "httpAggregator";
    public static final String WEBSOCKET = "webSocket";
    public static final String WEBSOCKET_PATH_GUARD = "webSocketPathGuard";
    public static final String WEBSOCKET_FRAMES = "webSocketFrames";
    public static final String MQTT_DECODER = "mqttDecoder";
    public static final String MQTT_ENCODER = "mqttEncoder";
    /** Added after CONNECT when the client asked for a keep alive. */
    public static final String KEEP_ALIVE = "keepAlive";
    public static final String MQTT_HANDLER = "mqttHandler";

    private ChannelHandlerNames() {
    }
}
