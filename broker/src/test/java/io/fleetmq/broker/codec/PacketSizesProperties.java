package io.fleetmq.broker.codec;

import io.fleetmq.broker.testing.LeakDetection;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import static org.assertj.core.api.Assertions.assertThat;

/** PacketSizes.publishPacketSize equals the length of what MqttEncoder really writes [MQTT-3.1.2-24]. */
class PacketSizesProperties {

    @BeforeContainer
    static void installLeakDetection() {
        LeakDetection.install();
    }

    @AfterContainer
    static void noBufferLeaked() {
        LeakDetection.assertNoLeaks();
    }

    @Provide
    Arbitrary<MqttVersion> versions() {
        return Arbitraries.of(MqttVersion.MQTT_3_1, MqttVersion.MQTT_3_1_1, MqttVersion.MQTT_5);
    }

    @Provide
    Arbitrary<String> topics() {
        return Arbitraries.oneOf(MqttArbitraries.topicName(), Arbitraries.just(""),
                MqttArbitraries.text(100, 300));
    }

    @Provide
    Arbitrary<Integer> payloadLengths() {
        // Around the Variable Byte Integer boundaries 127 and 16383.
        return Arbitraries.oneOf(Arbitraries.integers().between(0, 300), Arbitraries.integers().between(16_000, 16_600));
    }

    @Property(tries = 500)
    void publishSizeMatchesTheEncoder(@ForAll("versions") MqttVersion version, @ForAll("topics") String topic,
                                      @ForAll @IntRange(min = 0, max = 2) int qos,
                                      @ForAll("payloadLengths") int payloadLength) {
        checkAgainstEncoder(version, topic, qos, payloadLength, MqttProperties.NO_PROPERTIES);
    }

    @Property(tries = 500)
    void publishSizeWithPropertiesMatchesTheEncoder(@ForAll("topics") String topic,
                                                    @ForAll @IntRange(min = 0, max = 2) int qos,
                                                    @ForAll("payloadLengths") int payloadLength) {
        Arbitrary<MqttProperties> props = MqttArbitraries.properties();
        checkAgainstEncoder(MqttVersion.MQTT_5, topic, qos, payloadLength, props.sample());
    }

    @Example
    void publishSizeAcrossTheThreeAndFourByteRemainingLengthBoundary() {
        // Remaining Length 2,097,151 needs 3 bytes, 2,097,152 needs 4.
        for (int payload : new int[] {2_097_151 - 7, 2_097_152 - 7}) {
            checkAgainstEncoder(MqttVersion.MQTT_3_1_1, "a/b", 0, payload, MqttProperties.NO_PROPERTIES);
        }
    }

    @Example
    void qos0PublishIsTwoBytesShorterThanQos1BecauseItHasNoPacketId() {
        // [MQTT-2.2.1-2]: a QoS 0 PUBLISH carries no packet identifier.
        assertThat(PacketSizes.publishPacketSize(4, "t", 1, 10, null))
                .isEqualTo(PacketSizes.publishPacketSize(4, "t", 0, 10, null) + 2);
    }

    private static void checkAgainstEncoder(MqttVersion version, String topic, int qos, int payloadLength,
                                            MqttProperties props) {
        long predicted = PacketSizes.publishPacketSize(version.protocolLevel(), topic, qos, payloadLength, props);
        MqttQoS mqttQoS = MqttQoS.valueOf(qos);
        MqttPublishMessage message = new MqttPublishMessage(
                new MqttFixedHeader(MqttMessageType.PUBLISH, false, mqttQoS, false, 0),
                new MqttPublishVariableHeader(topic, qos == 0 ? -1 : 1, props),
                Unpooled.wrappedBuffer(new byte[payloadLength]));
        byte[] encoded = CodecHarness.encode(message, version);
        assertThat(predicted).isEqualTo(encoded.length);
    }
}
