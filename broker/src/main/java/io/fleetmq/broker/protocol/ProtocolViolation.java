package io.fleetmq.broker.protocol;

/**
 * Why the broker closes a connection: the v5 DISCONNECT reason code and a human-readable reason for the log and the
 * v5 Reason String. v3 clients are closed without a packet.
 */
record ProtocolViolation(byte reasonCode, String reason) {
    static ProtocolViolation malformed(String reason) {
        return new ProtocolViolation(ReasonCodes.MALFORMED_PACKET, reason);
    }

    static ProtocolViolation protocolError(String reason) {
        return new ProtocolViolation(ReasonCodes.PROTOCOL_ERROR, reason);
    }
}
