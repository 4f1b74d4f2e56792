package io.fleetmq.broker.session;

/**
 * What a session needs from the network connection that currently serves it. The protocol layer implements it
 * over a Netty channel; a session never touches Netty itself. Every method may be called from any thread.
 */
public interface ClientConnection {

    /** Sends a PUBLISH; packetId is 0 for QoS 0. Returns false if it could not be sent (e.g. too large). */
    boolean sendPublish(OutboundMessage message, int packetId, boolean dup);

    void sendPubrel(int packetId);

    /**
     * False while what waits to be written to the client is at its bound ({@code limits.maxOutboundBytesPerClient}):
     * the session then keeps QoS 1/2 messages in its queue, and the connection calls the session's
     * {@link Session#outboundRoomAgain} once there is room.
     */
    default boolean hasOutboundRoom() {
        return true;
    }

    /** Closes because another connection took the session over: v5 DISCONNECT 0x8E [MQTT-3.1.4-3]. */
    void closeForTakeover();

    /** Client's receive maximum (v5), 65535 for v3 [MQTT-3.3.4-9]. */
    int receiveMaximum();

    String remoteAddress();
}
