package io.fleetmq.broker.it.v5;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import io.fleetmq.broker.config.ShutdownConfig;
import io.fleetmq.broker.testing.RawMqttClient;
import io.fleetmq.broker.testing.TestBroker;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import static org.assertj.core.api.Assertions.assertThat;

/** Graceful shutdown: FleetMqBroker.close() sends v5 clients DISCONNECT 0x8B Server shutting down (3.14.2.1). */
class GracefulShutdownTest {

    // 3.14.2.1 reason 0x8B, [MQTT-3.14.4-1] (the sender closes the connection after DISCONNECT): every connected v5
    // client — HiveMQ, Paho and raw — receives DISCONNECT 0x8B and the connection is then closed.
    @Test
    void brokerCloseSendsDisconnect0x8BToV5Clients() throws Exception {
        TestBroker broker = TestBroker.start(c -> c.withShutdown(new ShutdownConfig(Duration.ofSeconds(2))));
        boolean closed = false;
        BlockingQueue<Throwable> hiveDisconnects = new LinkedBlockingQueue<>();
        try (PahoV5Client paho = new PahoV5Client(broker, "gs-paho");
             RawMqttClient raw = Raw5.connect(broker, "gs-raw")) {
            Mqtt5BlockingClient hive = HiveV5.recordingDisconnects(broker, "gs-hive", hiveDisconnects);
            hive.connect();
            paho.connect();

            broker.close();
            closed = true;

            Raw5.expectDisconnect(raw, 0x8B);
            assertThat(paho.expectServerDisconnect().getReturnCode()).isEqualTo(0x8B);
            assertThat(HiveV5.expectServerDisconnect(hiveDisconnects).getReasonCode())
                    .isEqualTo(Mqtt5DisconnectReasonCode.SERVER_SHUTTING_DOWN);
        } finally {
            if (!closed) {
                broker.close();
            }
        }
    }

    // docs/mqtt-conformance.md "Choices the spec leaves open" (documented deviation choice): wills are NOT published on a broker shutdown. A watcher subscribed
    // to the will topic sees DISCONNECT 0x8B but no will PUBLISH before it.
    @Test
    void willIsNotPublishedOnBrokerShutdown() {
        TestBroker broker = TestBroker.start(c -> c.withShutdown(new ShutdownConfig(Duration.ofSeconds(2))));
        boolean closed = false;
        try (RawMqttClient watcher = Raw5.connect(broker, "gs-watch");
             RawMqttClient owner = RawMqttClient.open(broker)) {
            watcher.subscribe("gs/will", MqttQoS.AT_LEAST_ONCE);
            owner.connect(RawMqttClient.connectWithWill("gs-owner", MqttVersion.MQTT_5, true, 60, "gs/will",
                    "offline".getBytes(StandardCharsets.UTF_8), MqttQoS.AT_LEAST_ONCE, false, null));

            broker.close();
            closed = true;

            assertThat(watcher.awaitClosed(Duration.ofSeconds(5))).isTrue();
            List<MqttMessage> got = watcher.drain(Duration.ofMillis(200));
            assertThat(got).extracting(m -> m.fixedHeader().messageType())
                    .doesNotContain(MqttMessageType.PUBLISH)
                    .contains(MqttMessageType.DISCONNECT);
        } finally {
            if (!closed) {
                broker.close();
            }
        }
    }
}
