package io.fleetmq.broker.it.v5;

import io.fleetmq.broker.testing.BrokerEndpoint;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thin test wrapper around Paho's v5 async client: every received message and every server-initiated disconnect is
 * recorded in a queue so tests can wait for them with bounded timeouts.
 */
final class PahoV5Client implements MqttCallback, AutoCloseable {
    static final long WAIT_MS = 5_000;

    record Received(String topic, MqttMessage message) {
        String payload() {
            return new String(message.getPayload(), StandardCharsets.UTF_8);
        }
    }

    final MqttAsyncClient client;
    final BlockingQueue<Received> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<MqttDisconnectResponse> disconnects = new LinkedBlockingQueue<>();

    PahoV5Client(BrokerEndpoint broker, String clientId) {
        try {
            client = new MqttAsyncClient(broker.uri(), clientId, new MemoryPersistence());
        } catch (MqttException e) {
            throw new IllegalStateException(e);
        }
        client.setCallback(this);
    }

    static MqttConnectionOptions options(boolean cleanStart, long sessionExpiry) {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(cleanStart);
        o.setSessionExpiryInterval(sessionExpiry);
        o.setAutomaticReconnect(false);
        o.setConnectionTimeout(5);
        o.setKeepAliveInterval(60);
        return o;
    }

    /** Connects with the given options and returns the CONNACK token (session present, CONNACK properties). */
    IMqttToken connect(MqttConnectionOptions options) throws MqttException {
        IMqttToken token = client.connect(options);
        token.waitForCompletion(WAIT_MS);
        return token;
    }

    IMqttToken connect() throws MqttException {
        return connect(options(true, 0));
    }

    /** Subscribes; returns the SUBACK reason codes. */
    int[] subscribe(MqttSubscription... subs) throws MqttException {
        return subscribe(null, subs);
    }

    int[] subscribe(Integer subscriptionId, MqttSubscription... subs) throws MqttException {
        MqttProperties props = new MqttProperties();
        if (subscriptionId != null) {
            props.setSubscriptionIdentifier(subscriptionId);
        }
        IMqttToken token = client.subscribe(subs, null, null, props);
        token.waitForCompletion(WAIT_MS);
        return token.getReasonCodes();
    }

    int[] subscribe(String filter, int qos) throws MqttException {
        return subscribe(new MqttSubscription(filter, qos));
    }

    IMqttToken publish(String topic, String payload, int qos, boolean retain) throws MqttException {
        return publish(topic, payload, qos, retain, new MqttProperties());
    }

    IMqttToken publish(String topic, String payload, int qos, boolean retain, MqttProperties props)
            throws MqttException {
        MqttMessage m = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8), qos, retain, props);
        IMqttToken token = client.publish(topic, m);
        token.waitForCompletion(WAIT_MS);
        return token;
    }

    Received poll(Duration timeout) throws InterruptedException {
        return messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    Received expectMessage() throws InterruptedException {
        Received r = poll(Duration.ofMillis(WAIT_MS));
        assertThat(r).as("expected a message within %d ms", WAIT_MS).isNotNull();
        return r;
    }

    void expectNoMessage(Duration within) throws InterruptedException {
        Received r = poll(within);
        assertThat(r).as("expected no message").isNull();
    }

    /** Drains messages that arrive within {@code window}. */
    List<Received> drain(Duration window) throws InterruptedException {
        List<Received> out = new ArrayList<>();
        long deadline = System.nanoTime() + window.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return out;
            }
            Received r = messages.poll(left, TimeUnit.NANOSECONDS);
            if (r != null) {
                out.add(r);
            }
        }
    }

    MqttDisconnectResponse expectServerDisconnect() throws InterruptedException {
        MqttDisconnectResponse d = disconnects.poll(WAIT_MS, TimeUnit.MILLISECONDS);
        assertThat(d).as("expected the server to disconnect this client").isNotNull();
        return d;
    }

    void disconnect() throws MqttException {
        if (client.isConnected()) {
            client.disconnect().waitForCompletion(WAIT_MS);
        }
    }

    /** Sends DISCONNECT with the given reason code and properties. */
    void disconnect(int reasonCode, MqttProperties props) throws MqttException {
        client.disconnect(WAIT_MS, null, null, reasonCode, props).waitForCompletion(WAIT_MS);
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 1000, false);
            }
        } catch (MqttException ignored) {
            // best effort
        }
        try {
            client.close(true);
        } catch (MqttException ignored) {
            // best effort
        }
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
        disconnects.add(response);
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        messages.add(new Received(topic, message));
    }

    @Override
    public void deliveryComplete(IMqttToken token) {
    }

    @Override
    public void connectComplete(boolean reconnect, String serverURI) {
    }

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {
    }
}
