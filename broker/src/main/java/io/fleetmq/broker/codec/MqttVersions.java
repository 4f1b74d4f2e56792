package io.fleetmq.broker.codec;

import io.netty.channel.Channel;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;

/**
 * Protocol level bytes (3, 4, 5) and the channel attribute Netty's MQTT codec keys its version-dependent
 * encoding and decoding on.
 */
public final class MqttVersions {
    /**
     * The same key as Netty's package-private {@code MqttCodecUtil.MQTT_VERSION_KEY}: {@link AttributeKey#valueOf}
     * returns the existing constant for the name {@code NETTY_CODEC_MQTT_VERSION}. {@code MqttDecoder} sets it when
     * it decodes the CONNECT variable header; {@code MqttEncoder} reads it (absent means 3.1.1).
     */
    public static final AttributeKey<MqttVersion> VERSION_KEY = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");

    private MqttVersions() {
    }

    /** @return the version for protocol level 3, 4 or 5, or {@code null} for any other level */
    public static MqttVersion fromLevel(int protocolLevel) {
        switch (protocolLevel) {
            case 3: return MqttVersion.MQTT_3_1;
            case 4: return MqttVersion.MQTT_3_1_1;
            case 5: return MqttVersion.MQTT_5;
            default: return null;
        }
    }

    public static int level(MqttVersion version) {
        return version.protocolLevel();
    }

    public static boolean isV5(MqttVersion version) {
        return version == MqttVersion.MQTT_5;
    }

    /** @return the version the codec on this channel uses, or {@code null} if no CONNECT has set it yet */
    public static MqttVersion get(Channel channel) {
        return channel.attr(VERSION_KEY).get();
    }

    /** Sets the version the codec on this channel uses (the decoder also sets it itself on CONNECT). */
    public static void set(Channel channel, MqttVersion version) {
        channel.attr(VERSION_KEY).set(version);
    }
}
