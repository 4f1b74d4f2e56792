package io.fleetmq.broker.it.v3;

import io.fleetmq.broker.testing.BrokerEndpoint;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.params.provider.Arguments;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A Paho mqttv3 client whose received messages land in a queue (wait with bounded timeouts). */
final class PahoV3Client implements AutoCloseable {

    /** A received message: topic, payload as UTF-8, QoS, retain and duplicate flags. */
    record Received(String topic, String payload, int qos, boolean retained, boolean duplicate) {
    }

    /** Paho's MQTT 3.1.1 level. */
    static final int V311 = MqttConnectOptions.MQTT_VERSION_3_1_1;
    /** {@code @MethodSource} names of {@link #versions()} and {@link #versionsAndQos()}. */
    static final String VERSIONS = "io.fleetmq.broker.it.v3.PahoV3Client#versions";
    static final String VERSIONS_AND_QOS = "io.fleetmq.broker.it.v3.PahoV3Client#versionsAndQos";

    final MqttClient client;
    final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    final CountDownLatch connectionLost = new CountDownLatch(1);
    volatile boolean sessionPresent;

    private PahoV3Client(MqttClient client) {
        this.client = client;
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                connectionLost.countDown();
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.add(new Received(topic, new String(message.getPayload(), StandardCharsets.UTF_8),
                        message.getQos(), message.isRetained(), message.isDuplicate()));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
    }

    /** Paho protocol levels 3 (MQTT 3.1) and 4 (3.1.1); {@code @MethodSource(VERSIONS)}. */
    static Stream<Integer> versions() {
        return Stream.of(MqttConnectOptions.MQTT_VERSION_3_1, MqttConnectOptions.MQTT_VERSION_3_1_1);
    }

    /** Every version with QoS 0, 1 and 2; {@code @MethodSource(VERSIONS_AND_QOS)}. */
    static Stream<Arguments> versionsAndQos() {
        return versions().flatMap(v -> Stream.of(0, 1, 2).map(q -> Arguments.of(v, q)));
    }

    static MqttConnectOptions options(int mqttVersion, boolean cleanSession) {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(mqttVersion);
        o.setCleanSession(cleanSession);
        o.setAutomaticReconnect(false);
        o.setConnectionTimeout(5);
        o.setKeepAliveInterval(30);
        return o;
    }

    static PahoV3Client connect(BrokerEndpoint broker, String clientId, int mqttVersion, boolean cleanSession)
            throws MqttException {
        return connect(broker, clientId, options(mqttVersion, cleanSession));
    }

    static PahoV3Client connect(BrokerEndpoint broker, String clientId, MqttConnectOptions options)
            throws MqttException {
        MqttClient c = new MqttClient(broker.uri(), clientId, new MemoryPersistence());
        c.setTimeToWait(5_000);
        PahoV3Client p = new PahoV3Client(c);
        p.sessionPresent = c.connectWithResult(options).getSessionPresent();
        return p;
    }

    void subscribe(String filter, int qos) throws MqttException {
        int[] granted = {qos};
        client.subscribe(new String[]{filter}, granted);
        if (granted[0] == 0x80) {
            throw new AssertionError("subscription to " + filter + " refused (0x80)");
        }
    }

    void publish(String topic, String payload, int qos, boolean retained) throws MqttException {
        client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), qos, retained);
    }

    /** Next message or AssertionError after {@code timeout}. */
    Received next(Duration timeout) {
        Received r = poll(timeout);
        if (r == null) {
            throw new AssertionError("no message within " + timeout);
        }
        return r;
    }

    Received poll(Duration timeout) {
        try {
            return received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Everything received until {@code quiet} passes without a message. */
    List<Received> drain(Duration quiet) {
        List<Received> out = new ArrayList<>();
        Received r;
        while ((r = poll(quiet)) != null) {
            out.add(r);
            if (out.size() > 10_000) {
                break;
            }
        }
        return out;
    }

    /** Next message whose topic satisfies the filter, skipping others (bounded). */
    Received nextOn(String topic, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no message on " + topic + " within " + timeout);
            }
            Received r = poll(Duration.ofNanos(left));
            if (r != null && r.topic().equals(topic)) {
                return r;
            }
        }
    }

    /** Normal DISCONNECT. */
    void disconnect() throws MqttException {
        if (client.isConnected()) {
            client.disconnect(0);
        }
    }

    /** Drops the TCP connection without DISCONNECT (the will becomes due). */
    void dropWithoutDisconnect() throws MqttException {
        client.disconnectForcibly(0, 1_000, false);
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                // disconnect(0) returns at once; disconnectForcibly(.., true) always waits its whole timeout
                client.disconnect(0);
            }
        } catch (MqttException e) {
            try {
                client.disconnectForcibly(0, 100, false);
            } catch (MqttException ignored) {
                // best effort
            }
        }
        try {
            client.close(true);
        } catch (MqttException ignored) {
            // best effort
        }
    }
}
