package io.fleetmq.broker.codec;

import io.netty.handler.codec.mqtt.MqttProperties;

/** TEMPORARY approximation; replaced by the codec work. */
public final class PacketSizes {
    private PacketSizes() {
    }

    public static int publishPacketSize(int protocolVersion, String topic, int payloadLength, MqttProperties props) {
        return 5 + 2 + topic.length() * 3 + 2 + payloadLength + (protocolVersion == 5 ? 64 : 0);
    }
}
