package io.fleetmq.broker.metrics;

/**
 * Why an MQTT connection ended: the {@code reason} tag of connections closed. The first reason recorded for a
 * connection wins (a protocol error that leads to the socket closing is a protocol error, not a lost connection).
 */
public enum CloseReason {
    /** The client sent DISCONNECT. */
    NORMAL("normal"),
    /** The socket closed without DISCONNECT (network loss, client crash, peer reset). */
    CONNECTION_LOST("connection_lost"),
    /** Nothing received for 1.5 x keep alive [MQTT-3.1.2-22]. */
    KEEP_ALIVE_TIMEOUT("keep_alive_timeout"),
    /** No CONNECT within {@code mqtt.connectTimeout}. */
    CONNECT_TIMEOUT("connect_timeout"),
    /** CONNECT refused (CONNACK with an error code): bad client id, not authorized, unsupported version. */
    CONNECT_REFUSED("connect_refused"),
    /** A packet that could not be decoded. */
    MALFORMED_PACKET("malformed_packet"),
    /** Any other protocol violation. */
    PROTOCOL_ERROR("protocol_error"),
    /** The same client id connected again [MQTT-3.1.4-3]. */
    TAKEN_OVER("taken_over"),
    /** The client's socket stayed full for {@code limits.slowConsumerTimeout}: it does not read what it is sent. */
    SLOW_CONSUMER("slow_consumer"),
    /** Disconnected through the admin API. */
    ADMIN_KICK("admin_kick"),
    /** The node is shutting down. */
    SERVER_SHUTDOWN("server_shutdown");

    private final String label;

    CloseReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
