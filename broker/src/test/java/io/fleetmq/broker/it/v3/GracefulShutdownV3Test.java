package io.fleetmq.broker.it.v3;

import io.fleetmq.broker.config.ShutdownConfig;
import io.fleetmq.broker.testing.RawMqttClient;
import io.fleetmq.broker.testing.TestBroker;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Graceful shutdown ({@code FleetMqBroker.close()}) seen by MQTT 3.1.1 clients: connections are closed, the listener
 * stops accepting, and wills are NOT published (docs/mqtt-conformance.md "Choices the spec leaves open": a rolling restart must not raise "device offline"
 * alarms). The v5 DISCONNECT 0x8B is covered by the it/v5 tests.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GracefulShutdownV3Test {

    @Test
    void shutdownClosesV3ConnectionsWithoutPublishingWillsAndStopsListening() throws Exception {
        TestBroker broker = TestBroker.start(c -> c.withShutdown(new ShutdownConfig(Duration.ofSeconds(2))));
        int port = broker.port();
        try (RawMqttClient watcher = RawMqttClient.open(broker);
             RawMqttClient device = RawMqttClient.open(broker)) {
            watcher.connect("watcher", MqttVersion.MQTT_3_1_1, true, 60, null);
            watcher.subscribe("fleet/+/status", MqttQoS.AT_LEAST_ONCE);
            device.connect(RawMqttClient.connectWithWill("dev-1", MqttVersion.MQTT_3_1_1, true, 60,
                    "fleet/dev-1/status", "offline".getBytes(StandardCharsets.UTF_8), MqttQoS.AT_LEAST_ONCE, false,
                    null));

            long start = System.nanoTime();
            broker.close();
            long closeMs = (System.nanoTime() - start) / 1_000_000;

            assertThat(device.awaitClosed(Duration.ofSeconds(5))).isTrue();
            assertThat(watcher.awaitClosed(Duration.ofSeconds(5))).isTrue();
            List<MqttMessage> got = watcher.drain(Duration.ofMillis(100));
            assertThat(got).extracting(m -> m.fixedHeader().messageType())
                    .as("no will published on broker shutdown").doesNotContain(MqttMessageType.PUBLISH);
            assertThat(closeMs).as("close() returns within the grace period (+ margin)").isLessThan(5_000);
        }
        assertThatThrownBy(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            }
        }).as("listener closed").isInstanceOf(ConnectException.class);
    }
}
