package io.fleetmq.broker.it.attacks;

import io.fleetmq.broker.testing.BrokerEndpoint;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An Eclipse Paho MQTT 5 client logging in with a user name and password (or a JWT), recording every message and
 * every server-initiated disconnect so a test can wait for them with deadlines.
 */
final class PahoDevice implements MqttCallback, AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(5);

    /** A received message: topic and payload. */
    record Received(String topic, String payload, boolean retained) {
    }

    private final MqttAsyncClient client;
    private final String user;
    private final String password;
    final BlockingQueue<Received> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<MqttDisconnectResponse> disconnects = new LinkedBlockingQueue<>();
    private boolean sessionPresent;

    PahoDevice(BrokerEndpoint broker, String clientId, String user, String password) {
        try {
            client = new MqttAsyncClient("tcp://127.0.0.1:" + broker.port(), clientId, new MemoryPersistence());
        } catch (MqttException e) {
            throw new IllegalStateException(e);
        }
        client.setCallback(this);
        this.user = user;
        this.password = password;
    }

    MqttConnectionOptions options(boolean cleanStart, long sessionExpiry) {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(cleanStart);
        o.setSessionExpiryInterval(sessionExpiry);
        o.setAutomaticReconnect(false);
        o.setConnectionTimeout(5);
        o.setKeepAliveInterval(60);
        if (user != null) {
            o.setUserName(user);
        }
        if (password != null) {
            o.setPassword(password.getBytes(StandardCharsets.UTF_8));
        }
        return o;
    }

    /** Connects; a refusal throws {@link MqttException} whose reason code is the CONNACK's. */
    PahoDevice connect(boolean cleanStart, long sessionExpiry) throws MqttException {
        return connect(options(cleanStart, sessionExpiry));
    }

    PahoDevice connect(MqttConnectionOptions options) throws MqttException {
        IMqttToken token = client.connect(options);
        token.waitForCompletion(WAIT.toMillis());
        sessionPresent = token.getSessionPresent();
        return this;
    }

    /** The CONNACK reason code: 0 when accepted. */
    int connackCode(boolean cleanStart, long sessionExpiry) {
        try {
            connect(cleanStart, sessionExpiry);
            return 0;
        } catch (MqttException e) {
            return e.getReasonCode();
        }
    }

    boolean sessionPresent() {
        return sessionPresent;
    }

    boolean isConnected() {
        return client.isConnected();
    }

    /** The SUBACK reason code for one filter. */
    int subscribe(String filter, int qos) throws MqttException {
        IMqttToken t = client.subscribe(filter, qos);
        t.waitForCompletion(WAIT.toMillis());
        return t.getReasonCodes()[0];
    }

    /** Publishes and waits for the acknowledgement (QoS > 0); returns its reason code (0 for QoS 0). */
    int publish(String topic, String payload, int qos, boolean retain) throws MqttException {
        IMqttToken t = client.publish(topic, new MqttMessage(payload.getBytes(StandardCharsets.UTF_8), qos, retain,
                new MqttProperties()));
        t.waitForCompletion(WAIT.toMillis());
        int[] codes = t.getReasonCodes();
        return codes == null || codes.length == 0 ? 0 : codes[0];
    }

    /** The next message, waiting at most {@link #WAIT}; fails when none comes. */
    Received expectMessage() throws InterruptedException {
        Received r = messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (r == null) {
            throw new AssertionError(client.getClientId() + ": no message within " + WAIT);
        }
        return r;
    }

    void disconnect() throws MqttException {
        client.disconnect().waitForCompletion(WAIT.toMillis());
    }

    /** v5 DISCONNECT 0x04 "Disconnect with Will Message": the broker publishes the will [MQTT-3.14.2-...]. */
    void disconnectWithWill() throws MqttException {
        client.disconnect(WAIT.toMillis(), null, null, 0x04, new MqttProperties()).waitForCompletion(WAIT.toMillis());
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(WAIT.toMillis());
            }
            client.close(true);
        } catch (MqttException e) {
            // closing after the test: nothing to assert
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
        messages.add(new Received(topic, new String(message.getPayload(), StandardCharsets.UTF_8),
                message.isRetained()));
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
