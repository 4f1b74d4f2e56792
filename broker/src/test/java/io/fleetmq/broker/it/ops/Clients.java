package io.fleetmq.broker.it.ops;

import io.fleetmq.broker.testing.TestBroker;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Real MQTT 3.1.1 clients (Paho) and bounded polling for the ops tests. */
final class Clients {
    private Clients() {
    }

    static MqttClient connect(TestBroker broker, String clientId, boolean cleanSession) throws MqttException {
        MqttClient c = new MqttClient(broker.uri(), clientId, new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setCleanSession(cleanSession);
        o.setAutomaticReconnect(false);
        o.setConnectionTimeout(10);
        c.connect(o);
        return c;
    }

    static void closeQuietly(MqttClient c) {
        try {
            if (c.isConnected()) {
                c.disconnect(1000);
            }
            c.close(true);
        } catch (MqttException ignored) {
            // already gone: the test is about the broker, not the client's shutdown
        }
    }

    /** Polls every 20 ms until true; AssertionError naming {@code what} after {@code timeout}. */
    static void await(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
