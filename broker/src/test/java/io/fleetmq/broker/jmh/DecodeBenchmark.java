package io.fleetmq.broker.jmh;

import io.fleetmq.broker.codec.MqttVersions;
import io.fleetmq.broker.codec.PacketSizes;
import io.fleetmq.broker.config.MqttConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Netty's {@link MqttDecoder} turning one QoS 1 PUBLISH into an {@link MqttPublishMessage}, as the broker's pipeline
 * does it (decoder sized from the default {@code mqtt.maxPacketSize}), for MQTT 3.1.1 and for MQTT 5 with two user
 * properties.
 *
 * <p>The packet bytes are encoded once in setup into a pooled direct buffer (as the epoll transport reads them);
 * each invocation hands the decoder a retained duplicate of it (no copy), so the score is the decoder plus the
 * EmbeddedChannel pipeline hop. The decoder releases the input once consumed and the decoded message (whose payload
 * is a retained slice of the input) is released at the end, so reference counts stay balanced.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Thread)
public class DecodeBenchmark {

    static final String TOPIC = "devices/4711/telemetry";

    @Param({"64", "1024"})
    int payloadSize;

    private ByteBuf v311Packet;
    private ByteBuf v5Packet;
    private EmbeddedChannel v311Channel;
    private EmbeddedChannel v5Channel;

    @Setup(Level.Trial)
    public void setUp() {
        byte[] payload = new byte[payloadSize];
        new Random(42).nextBytes(payload);
        v311Packet = direct(encode(MqttVersion.MQTT_3_1_1, payload, MqttProperties.NO_PROPERTIES));
        MqttProperties props = new MqttProperties();
        props.add(new MqttProperties.UserProperty("fw", "2.4.1"));
        props.add(new MqttProperties.UserProperty("site", "berlin-03"));
        v5Packet = direct(encode(MqttVersion.MQTT_5, payload, props));
        v311Channel = decoderChannel(MqttVersion.MQTT_3_1_1);
        v5Channel = decoderChannel(MqttVersion.MQTT_5);
        // Fail fast instead of benchmarking an error path.
        check(v311Channel, v311Packet, payloadSize, false);
        check(v5Channel, v5Packet, payloadSize, true);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        v311Channel.finishAndReleaseAll();
        v5Channel.finishAndReleaseAll();
        v311Packet.release();
        v5Packet.release();
    }

    @Benchmark
    public void decodeV311(Blackhole bh) {
        decode(v311Channel, v311Packet, bh);
    }

    @Benchmark
    public void decodeV5(Blackhole bh) {
        decode(v5Channel, v5Packet, bh);
    }

    private static void decode(EmbeddedChannel channel, ByteBuf packet, Blackhole bh) {
        channel.writeInbound(packet.retainedDuplicate());
        MqttPublishMessage message = channel.readInbound();
        try {
            bh.consume(message.variableHeader().topicName());
            bh.consume(message.variableHeader().properties());
            bh.consume(message.payload().readableBytes());
        } finally {
            message.release();
        }
    }

    private static EmbeddedChannel decoderChannel(MqttVersion version) {
        MqttConfig defaults = MqttConfig.defaults();
        EmbeddedChannel channel = new EmbeddedChannel(new MqttDecoder(
                PacketSizes.maxRemainingLength(defaults.maxPacketSize()), defaults.maxClientIdLength()));
        // What the decoder records itself when it decodes CONNECT.
        MqttVersions.set(channel, version);
        return channel;
    }

    private static ByteBuf direct(byte[] bytes) {
        return PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
    }

    private static void check(EmbeddedChannel channel, ByteBuf packet, int payloadSize, boolean userProperties) {
        channel.writeInbound(packet.retainedDuplicate());
        MqttPublishMessage message = channel.readInbound();
        try {
            if (message == null || !message.decoderResult().isSuccess()
                    || !TOPIC.equals(message.variableHeader().topicName())
                    || message.variableHeader().packetId() != 17
                    || message.payload().readableBytes() != payloadSize
                    || message.variableHeader().properties().getProperties(
                            MqttProperties.MqttPropertyType.USER_PROPERTY.value()).isEmpty() == userProperties) {
                throw new IllegalStateException("setup: PUBLISH did not decode as expected: " + message);
            }
        } finally {
            if (message != null) {
                message.release();
            }
        }
        if (packet.refCnt() != 1) {
            throw new IllegalStateException("setup: decode leaked a reference to the input: " + packet.refCnt());
        }
    }

    /** The packet bytes as a client would send them. */
    static byte[] encode(MqttVersion version, byte[] payload, MqttProperties props) {
        EmbeddedChannel channel = new EmbeddedChannel(MqttEncoder.INSTANCE);
        try {
            MqttVersions.set(channel, version);
            channel.writeOutbound(new MqttPublishMessage(
                    new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.AT_LEAST_ONCE, false, 0),
                    new MqttPublishVariableHeader(TOPIC, 17, props),
                    Unpooled.wrappedBuffer(payload)));
            ByteBuf out = Unpooled.buffer();
            ByteBuf part;
            while ((part = channel.readOutbound()) != null) {
                out.writeBytes(part);
                part.release();
            }
            return ByteBufUtil.getBytes(out);
        } finally {
            channel.finishAndReleaseAll();
        }
    }
}
