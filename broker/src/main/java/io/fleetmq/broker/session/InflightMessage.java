package io.fleetmq.broker.session;

/**
 * An outbound QoS 1/2 message that has a packet identifier and awaits its acknowledgement.
 * {@code released} is true once PUBREC arrived and PUBREL was sent: only PUBCOMP is still awaited, and on
 * reconnect the PUBREL (not the PUBLISH) is sent again [MQTT-4.4.0-1].
 */
public final class InflightMessage {
    private final int packetId;
    private final OutboundMessage message;
    private boolean released;

    InflightMessage(int packetId, OutboundMessage message) {
        this.packetId = packetId;
        this.message = message;
    }

    public int packetId() {
        return packetId;
    }

    public OutboundMessage message() {
        return message;
    }

    public boolean released() {
        return released;
    }

    void markReleased() {
        released = true;
    }
}
