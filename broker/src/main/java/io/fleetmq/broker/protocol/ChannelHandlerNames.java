package io.fleetmq.broker.protocol;

/** Names of the handlers in a client channel's pipeline, in pipeline order. */
public final class ChannelHandlerNames {
    public static final String MQTT_DECODER = "mqttDecoder";
    public static final String MQTT_ENCODER = "mqttEncoder";
    /** Added after CONNECT when the client asked for a keep alive. */
    public static final String KEEP_ALIVE = "keepAlive";
    public static final String MQTT_HANDLER = "mqttHandler";

    private ChannelHandlerNames() {
    }
}
