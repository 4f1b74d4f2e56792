package io.fleetmq.broker.jmh;

import io.fleetmq.broker.codec.MqttVersions;
import io.fleetmq.broker.codec.PacketSizes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
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
 * The outbound half of a delivery as {@code MqttConnection.sendPublish} does it: build the v5 properties (two user
 * properties carried from the publisher plus the subscription identifier), size the packet with
 * {@link PacketSizes#publishPacketSize} for the client's Maximum Packet Size check, build an
 * {@link MqttPublishMessage} around {@code Unpooled.wrappedBuffer(payload)} and encode it with Netty's
 * {@link MqttEncoder}; the encoded buffers are released.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class EncodeBenchmark {

    static final String TOPIC = "devices/4711/cmd";
    static final int SUBSCRIPTION_ID = 42;

    @State(Scope.Thread)
    public static class Encoder {
        @Param({"64", "1024"})
        int payloadSize;

        byte[] payload;
        EmbeddedChannel v311Channel;
        EmbeddedChannel v5Channel;
        int packetId;

        @Setup(Level.Trial)
        public void setUp() {
            payload = new byte[payloadSize];
            new Random(42).nextBytes(payload);
            v311Channel = new EmbeddedChannel(MqttEncoder.INSTANCE);
            MqttVersions.set(v311Channel, MqttVersion.MQTT_3_1_1);
            v5Channel = new EmbeddedChannel(MqttEncoder.INSTANCE);
            MqttVersions.set(v5Channel, MqttVersion.MQTT_5);
            // Fail fast: the encoder must write exactly what PacketSizes predicts.
            for (EmbeddedChannel channel : new EmbeddedChannel[] {v311Channel, v5Channel}) {
                boolean v5 = channel == v5Channel;
                MqttProperties props = v5 ? properties() : MqttProperties.NO_PROPERTIES;
                long expected = PacketSizes.publishPacketSize(v5 ? 5 : 4, TOPIC, 1, payloadSize, props);
                channel.writeOutbound(publish(TOPIC, 1, props, payload));
                long written = 0;
                ByteBuf out;
                while ((out = channel.readOutbound()) != null) {
                    written += out.readableBytes();
                    out.release();
                }
                if (written != expected) {
                    throw new IllegalStateException("setup: encoded " + written + " bytes, PacketSizes says " + expected);
                }
            }
        }

        int nextPacketId() {
            packetId = packetId == 65_535 ? 1 : packetId + 1;
            return packetId;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            v311Channel.finishAndReleaseAll();
            v5Channel.finishAndReleaseAll();
        }
    }

    @State(Scope.Thread)
    public static class Sizing {
        final byte[] payload = new byte[64];
        MqttProperties props;

        @Setup(Level.Trial)
        public void setUp() {
            props = properties();
        }
    }

    @Benchmark
    public void encodeV311(Encoder s, Blackhole bh) {
        long size = PacketSizes.publishPacketSize(4, TOPIC, 1, s.payload.length, MqttProperties.NO_PROPERTIES);
        bh.consume(size);
        write(s.v311Channel, publish(TOPIC, s.nextPacketId(), MqttProperties.NO_PROPERTIES, s.payload), bh);
    }

    @Benchmark
    public void encodeV5(Encoder s, Blackhole bh) {
        MqttProperties props = properties();
        long size = PacketSizes.publishPacketSize(5, TOPIC, 1, s.payload.length, props);
        bh.consume(size);
        write(s.v5Channel, publish(TOPIC, s.nextPacketId(), props, s.payload), bh);
    }

    /** The Maximum Packet Size check alone, on the v5 properties above. */
    @Benchmark
    public long publishPacketSizeV5(Sizing s) {
        return PacketSizes.publishPacketSize(5, TOPIC, 1, s.payload.length, s.props);
    }

    private static void write(EmbeddedChannel channel, MqttPublishMessage publish, Blackhole bh) {
        channel.writeOutbound(publish);
        ByteBuf out;
        while ((out = channel.readOutbound()) != null) {
            bh.consume(out.readableBytes());
            out.release();
        }
    }

    /** As {@code MqttConnection.publishProperties}: the publisher's user properties, then the subscription id. */
    static MqttProperties properties() {
        MqttProperties props = new MqttProperties();
        props.add(new MqttProperties.UserProperty("fw", "2.4.1"));
        props.add(new MqttProperties.UserProperty("site", "berlin-03"));
        props.add(new MqttProperties.IntegerProperty(MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value(), SUBSCRIPTION_ID));
        return props;
    }

    static MqttPublishMessage publish(String topic, int packetId, MqttProperties props, byte[] payload) {
        MqttFixedHeader header = new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.AT_LEAST_ONCE, false, 0);
        return new MqttPublishMessage(header, new MqttPublishVariableHeader(topic, packetId, props),
                Unpooled.wrappedBuffer(payload));
    }
}
