package io.fleetmq.broker.it.v3;

import io.fleetmq.broker.testing.BrokerExtension;
import io.fleetmq.broker.testing.RawMqttClient;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.fleetmq.broker.it.v3.PahoV3Client.V311;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keep alive for MQTT 3.1.1 clients: a silent client is closed after 1.5 x its keep alive (and its will published),
 * PINGREQ keeps it connected, keep alive 0 disables the timeout.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PahoV3KeepAliveTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.withDefaults();

    @Test
    void willIsPublishedWhenKeepAliveExpires() throws Exception {
        String willTopic = broker.uniqueTopic("ka/willka");
        try (PahoV3Client watcher = PahoV3Client.connect(broker, broker.uniqueId("w"), V311, true);
             RawMqttClient device = RawMqttClient.open(broker)) {
            watcher.subscribe(willTopic, 1);
            device.connect(RawMqttClient.connectWithWill(broker.uniqueId("d"), MqttVersion.MQTT_3_1_1, true, 1,
                    willTopic, "silent".getBytes(StandardCharsets.UTF_8), MqttQoS.AT_LEAST_ONCE, false, null));
            assertThat(watcher.next(WAIT).payload()).isEqualTo("silent");
            assertThat(device.awaitClosed(Duration.ofSeconds(1))).isTrue();
        }
    }


    @Test
    void silentClientIsDisconnectedAfterOneAndAHalfTimesKeepAlive() {
        try (RawMqttClient c = RawMqttClient.open(broker)) {
            c.connect(broker.uniqueId("k"), MqttVersion.MQTT_3_1_1, true, 1, null);
            long start = System.nanoTime();
            assertThat(c.awaitClosed(Duration.ofMillis(1000)))
                    .as("must not be closed before the keep alive interval (1 s) has passed").isFalse();
            assertThat(c.awaitClosed(Duration.ofSeconds(3))).as("closed after ~1.5 x keep alive").isTrue();
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(elapsedMs).as("[MQTT-3.1.2-24] close at 1.5 x keep alive (1500 ms)").isBetween(1_000L, 2_600L);
        }
    }


    @Test
    void clientThatPingsWithinKeepAliveStaysConnected() {
        try (RawMqttClient c = RawMqttClient.open(broker)) {
            c.connect(broker.uniqueId("k"), MqttVersion.MQTT_3_1_1, true, 1, null);
            for (int i = 0; i < 6; i++) {
                Await.sleep(Duration.ofMillis(500));
                assertThat(c.pingreq()).as("connection still writable after %d pings", i).isTrue();
                MqttMessage resp = c.expect(MqttMessageType.PINGRESP, WAIT);
                assertThat(resp).isNotNull();
            }
            assertThat(c.isOpen()).isTrue();
        }
    }


    @Test
    void keepAliveZeroDisablesTheTimeout() {
        try (RawMqttClient c = RawMqttClient.open(broker)) {
            c.connect(broker.uniqueId("k"), MqttVersion.MQTT_3_1_1, true, 0, null);
            assertThat(c.awaitClosed(Duration.ofMillis(2_000))).isFalse();
            assertThat(c.pingreq()).isTrue();
            c.expect(MqttMessageType.PINGRESP, WAIT);
        }
    }
}
