package io.fleetmq.broker.protocol;

/** Names of the handlers in a client channel's pipeline, in pipeline order. */
public final class ChannelHandlerNames {
    /** Counts raw bytes in and out (fleetmq_bytes_received_total / _sent_total); first, next to the socket. */
    public static final String BYTE_COUNTER = "byteCounter";
    public static final String MQTT_DECODER = "mqttDecoder";
    public static final String MQTT_ENCODER = "mqttEncoder";
    /** Added after CONNECT when the client asked for a keep alive. */
    public static final String KEEP_ALIVE = "keepAlive";
    public static final String MQTT_HANDLER = "mqttHandler";

    private ChannelHandlerNames() {
    }
}
