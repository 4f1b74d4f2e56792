package io.fleetmq.broker.codec;

import io.fleetmq.broker.testing.LeakDetection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Runs Netty's MQTT encoder and decoder in EmbeddedChannels. */
final class CodecHarness {
    static {
        LeakDetection.install();
    }

    static final int DEFAULT_MAX = 268_435_455;

    private CodecHarness() {
    }

    /** Encodes {@code message} (consuming its reference) as {@code version} and returns the bytes. */
    static byte[] encode(MqttMessage message, MqttVersion version) {
        EmbeddedChannel channel = new EmbeddedChannel(MqttEncoder.INSTANCE);
        try {
            MqttVersions.set(channel, version);
            channel.writeOutbound(message);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuf buf;
            while ((buf = channel.readOutbound()) != null) {
                try {
                    out.writeBytes(ByteBufUtil.getBytes(buf));
                } finally {
                    buf.release();
                }
            }
            return out.toByteArray();
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /**
     * Feeds {@code chunks} to a fresh {@code MqttDecoder(maxBytes)}; {@code version} (may be null) is set as the
     * channel's codec version first, as the decoder would after a CONNECT. The caller releases the messages.
     */
    static List<MqttMessage> decode(MqttVersion version, int maxBytes, List<byte[]> chunks) {
        EmbeddedChannel channel = new EmbeddedChannel(new MqttDecoder(maxBytes));
        List<MqttMessage> messages = new ArrayList<>();
        try {
            if (version != null) {
                MqttVersions.set(channel, version);
            }
            for (byte[] chunk : chunks) {
                ByteBuf buf = channel.alloc().buffer(chunk.length);
                buf.writeBytes(chunk);
                channel.writeInbound(buf);
                drain(channel, messages);
            }
            channel.finish();
            drain(channel, messages);
            return messages;
        } catch (RuntimeException | Error e) {
            messages.forEach(ReferenceCountUtil::release);
            throw e;
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    static List<MqttMessage> decode(MqttVersion version, byte[] bytes) {
        return decode(version, DEFAULT_MAX, List.of(bytes));
    }

    /** Decodes bytes expected to hold exactly one packet. */
    static MqttMessage decodeOne(MqttVersion version, byte[] bytes) {
        List<MqttMessage> messages = decode(version, bytes);
        if (messages.size() != 1) {
            messages.forEach(ReferenceCountUtil::release);
            throw new AssertionError("expected one message, got " + messages.size());
        }
        return messages.get(0);
    }

    private static void drain(EmbeddedChannel channel, List<MqttMessage> into) {
        Object o;
        while ((o = channel.readInbound()) != null) {
            into.add((MqttMessage) o);
        }
    }

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("[^0-9a-fA-F]", ""));
    }

    static void releaseAll(List<MqttMessage> messages) {
        messages.forEach(ReferenceCountUtil::release);
    }
}
