package io.fleetmq.broker.it.security;

import org.eclipse.paho.client.mqttv3.IMqttMessageListener;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import javax.net.ssl.SSLContext;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Eclipse Paho v3 clients over TLS (and plain TCP with credentials), for the security tests. */
final class TlsClients {
    private TlsClients() {
    }

    /** Connects a Paho client to {@code uri} (ssl://, tcp://, ws://, wss://). */
    static MqttClient connect(String uri, String clientId, SSLContext tls, String user, String password)
            throws MqttException {
        MqttClient c = new MqttClient(uri, clientId, new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setConnectionTimeout(5);
        o.setAutomaticReconnect(false);
        // Otherwise Paho retries a refused 3.1.1 CONNECT as MQTT 3.1, and every refusal is counted twice.
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        if (tls != null) {
            o.setSocketFactory(tls.getSocketFactory());
        }
        if (user != null) {
            o.setUserName(user);
        }
        if (password != null) {
            o.setPassword(password.toCharArray());
        }
        c.connect(o);
        return c;
    }

    /** Subscribes {@code c} and checks that a message published by {@code publisher} arrives at it. */
    static void assertRoundTrip(MqttClient publisher, MqttClient subscriber, String topic) throws Exception {
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        IMqttMessageListener l = (t, m) -> got.add(t + "=" + new String(m.getPayload(), StandardCharsets.UTF_8));
        subscriber.subscribe(topic, 1, l); // MqttClient.subscribe blocks until the SUBACK
        publisher.publish(topic, "ping".getBytes(StandardCharsets.UTF_8), 1, false);
        String m = got.poll(5, TimeUnit.SECONDS);
        if (!(topic + "=ping").equals(m)) {
            throw new AssertionError("expected " + topic + "=ping to arrive, got " + m);
        }
    }

    static void closeQuietly(MqttClient c) {
        try {
            if (c.isConnected()) {
                c.disconnect(1_000);
            }
            c.close(true);
        } catch (MqttException e) {
            // already gone: nothing to release
        }
    }
}
