package io.fleetmq.broker.codec;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static io.fleetmq.broker.codec.CodecHarness.hex;
import static org.assertj.core.api.Assertions.assertThat;

/** Hand-written packets, one comment per field, decoded by Netty's MqttDecoder. */
class PacketFixturesTest {

    @Test
    void decodesAv311ConnectWithUserNameAndPassword() {
        byte[] bytes = hex(""
                + "10"                 // CONNECT, flags 0000 [MQTT-3.1.1-? fixed header]
                + "18"                 // Remaining Length 24
                + "0004 4D515454"      // Protocol Name "MQTT"
                + "04"                 // Protocol Level 4 = 3.1.1
                + "C2"                 // Connect Flags: user name (80), password (40), clean session (02)
                + "003C"               // Keep Alive 60 s
                + "0004 64657631"      // Client Identifier "dev1"
                + "0002 7531"          // User Name "u1"
                + "0002 7077");        // Password "pw"
        MqttConnectMessage connect = (MqttConnectMessage) CodecHarness.decodeOne(null, bytes);
        assertThat(connect.decoderResult().isSuccess()).isTrue();
        assertThat(connect.variableHeader().name()).isEqualTo("MQTT");
        assertThat(connect.variableHeader().version()).isEqualTo(4);
        assertThat(connect.variableHeader().isCleanSession()).isTrue();
        assertThat(connect.variableHeader().isWillFlag()).isFalse();
        assertThat(connect.variableHeader().keepAliveTimeSeconds()).isEqualTo(60);
        assertThat(connect.payload().clientIdentifier()).isEqualTo("dev1");
        assertThat(connect.payload().userName()).isEqualTo("u1");
        assertThat(new String(connect.payload().passwordInBytes(), StandardCharsets.UTF_8)).isEqualTo("pw");
    }

    @Test
    void decodesAv5ConnectWithPropertiesAndSetsTheChannelVersion() {
        byte[] bytes = hex(""
                + "10"                 // CONNECT
                + "18"                 // Remaining Length 24
                + "0004 4D515454"      // Protocol Name "MQTT"
                + "05"                 // Protocol Level 5
                + "02"                 // Connect Flags: clean start
                + "001E"               // Keep Alive 30 s
                + "08"                 // Property Length 8
                + "11 00000E10"        //   Session Expiry Interval (0x11) = 3600
                + "21 000A"            //   Receive Maximum (0x21) = 10
                + "0003 636964");      // Client Identifier "cid"
        MqttConnectMessage connect = (MqttConnectMessage) CodecHarness.decodeOne(null, bytes);
        assertThat(connect.decoderResult().isSuccess()).isTrue();
        assertThat(connect.variableHeader().version()).isEqualTo(5);
        assertThat(connect.variableHeader().keepAliveTimeSeconds()).isEqualTo(30);
        MqttProperties props = connect.variableHeader().properties();
        assertThat(props.getProperty(MqttPropertyType.SESSION_EXPIRY_INTERVAL.value()).value()).isEqualTo(3600);
        assertThat(props.getProperty(MqttPropertyType.RECEIVE_MAXIMUM.value()).value()).isEqualTo(10);
        assertThat(connect.payload().clientIdentifier()).isEqualTo("cid");
    }

    @Test
    void decodesAv5PublishThatUsesATopicAliasInsteadOfATopicName() {
        byte[] bytes = hex(""
                + "32"                 // PUBLISH, QoS 1, no DUP, no RETAIN
                + "0A"                 // Remaining Length 10
                + "0000"               // Topic Name "" (length 0): the Topic Alias stands in (MQTT 5 §3.3.2.3.4)
                + "0007"               // Packet Identifier 7
                + "03"                 // Property Length 3
                + "23 0005"            //   Topic Alias (0x23) = 5
                + "6869");             // Payload "hi"
        MqttMessage decoded = CodecHarness.decodeOne(MqttVersion.MQTT_5, bytes);
        try {
            MqttPublishMessage publish = (MqttPublishMessage) decoded;
            assertThat(publish.decoderResult().isSuccess()).isTrue();
            assertThat(publish.fixedHeader().qosLevel()).isEqualTo(MqttQoS.AT_LEAST_ONCE);
            assertThat(publish.variableHeader().topicName()).isEmpty();
            assertThat(publish.variableHeader().packetId()).isEqualTo(7);
            assertThat(publish.variableHeader().properties().getProperty(MqttPropertyType.TOPIC_ALIAS.value()).value())
                    .isEqualTo(5);
            assertThat(ByteBufUtil.getBytes(publish.payload())).isEqualTo("hi".getBytes(StandardCharsets.US_ASCII));
            // And PacketSizes agrees with the hand count: 2 header bytes + 10.
            assertThat(PacketSizes.publishPacketSize(5, "", 1, 2, publish.variableHeader().properties()))
                    .isEqualTo(bytes.length);
        } finally {
            ReferenceCountUtil.release(decoded);
        }
    }

    @Test
    void illFormedUtf8InATopicShowsUpAsReplacementCharacterAndIsRefused() {
        byte[] bytes = hex(""
                + "30"                 // PUBLISH QoS 0
                + "05"                 // Remaining Length 5
                + "0003 61 C328");     // Topic: 'a', then C3 28 (invalid continuation byte) [MQTT-1.5.4-1]
        MqttMessage decoded = CodecHarness.decodeOne(MqttVersion.MQTT_3_1_1, bytes);
        try {
            String topic = ((MqttPublishMessage) decoded).variableHeader().topicName();
            assertThat(topic).contains("\uFFFD");
            assertThat(MqttStrings.invalidReason(topic)).contains("MQTT-1.5.4-1");
        } finally {
            ReferenceCountUtil.release(decoded);
        }
    }
}
