package io.fleetmq.broker.it.v5;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5Disconnect;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import io.fleetmq.broker.testing.BrokerEndpoint;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** HiveMQ MQTT 5 client helpers: builders pointed at the test broker and a recorder for server DISCONNECTs. */
final class HiveV5 {
    static final long WAIT_MS = 5_000;

    private HiveV5() {
    }

    static Mqtt5ClientBuilder builder(BrokerEndpoint broker, String clientId) {
        return Mqtt5Client.builder().identifier(clientId).serverHost(broker.host()).serverPort(broker.port());
    }

    static Mqtt5BlockingClient client(BrokerEndpoint broker, String clientId) {
        return builder(broker, clientId).buildBlocking();
    }

    /** A client already connected with the default CONNECT (clean start, no session expiry). */
    static Mqtt5BlockingClient connected(BrokerEndpoint broker, String clientId) {
        Mqtt5BlockingClient c = client(broker, clientId);
        c.connect();
        return c;
    }

    /** A client whose server-sent DISCONNECT packets (or other causes of disconnection) are put into {@code sink}. */
    static Mqtt5BlockingClient recordingDisconnects(BrokerEndpoint broker, String clientId,
                                                   BlockingQueue<Throwable> sink) {
        return builder(broker, clientId).addDisconnectedListener(ctx -> sink.add(ctx.getCause())).buildBlocking();
    }

    /** Waits for a server DISCONNECT and returns it. */
    static Mqtt5Disconnect expectServerDisconnect(BlockingQueue<Throwable> sink) throws InterruptedException {
        Throwable cause = sink.poll(WAIT_MS, TimeUnit.MILLISECONDS);
        assertThat(cause).as("expected a disconnection").isNotNull();
        assertThat(cause).as("expected a server DISCONNECT packet, got %s", cause)
                .isInstanceOf(Mqtt5DisconnectException.class);
        return ((Mqtt5DisconnectException) cause).getMqttMessage();
    }

    static Mqtt5Publish expect(Mqtt5BlockingClient.Mqtt5Publishes publishes) throws InterruptedException {
        Optional<Mqtt5Publish> p = publishes.receive(WAIT_MS, TimeUnit.MILLISECONDS);
        assertThat(p).as("expected a message within %d ms", WAIT_MS).isPresent();
        return p.get();
    }

    static void expectNone(Mqtt5BlockingClient.Mqtt5Publishes publishes, Duration within) throws InterruptedException {
        Optional<Mqtt5Publish> p = publishes.receive(within.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(p).as("expected no message").isEmpty();
    }

    static Mqtt5BlockingClient.Mqtt5Publishes publishes(Mqtt5BlockingClient c) {
        return c.publishes(MqttGlobalPublishFilter.ALL);
    }

    static String payload(Mqtt5Publish p) {
        return new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static void quietDisconnect(Mqtt5BlockingClient c) {
        try {
            if (c.getState().isConnected()) {
                c.disconnect();
            }
        } catch (RuntimeException ignored) {
            // best effort cleanup
        }
    }
}
