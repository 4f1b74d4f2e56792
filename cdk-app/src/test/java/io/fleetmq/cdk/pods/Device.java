package io.fleetmq.cdk.pods;

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

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A device: an Eclipse Paho MQTT v5 client connecting over TLS with its client certificate (PKCS#12), trusting the
 * device CA for the broker's certificate, reconnecting by itself after a server disconnect (as devices in the field
 * do), and recording what it receives and why it was disconnected.
 */
final class Device implements AutoCloseable {

    final MqttAsyncClient client;
    final Queue<String> received = new ConcurrentLinkedQueue<>();
    final Queue<Integer> disconnectReasons = new ConcurrentLinkedQueue<>();
    final AtomicInteger connects = new AtomicInteger();
    private final MqttConnectionOptions options;

    Device(String clientId, int port, Path p12, Path caFile, boolean persistentSession) throws Exception {
        client = new MqttAsyncClient("ssl://127.0.0.1:" + port, clientId, new MemoryPersistence());
        options = new MqttConnectionOptions();
        options.setSocketFactory(sslContext(p12, caFile).getSocketFactory());
        options.setHttpsHostnameVerificationEnabled(true);
        options.setCleanStart(!persistentSession);
        options.setSessionExpiryInterval(persistentSession ? 3600L : 0L);
        options.setAutomaticReconnect(true);
        options.setAutomaticReconnectDelay(1, 2);
        options.setConnectionTimeout(10);
        options.setKeepAliveInterval(30);
        client.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse r) {
                disconnectReasons.add(r.getReturnCode());
            }

            @Override
            public void mqttErrorOccurred(MqttException e) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage m) {
                received.add(new String(m.getPayload(), StandardCharsets.UTF_8));
            }

            @Override
            public void deliveryComplete(IMqttToken token) {
            }

            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
                connects.incrementAndGet();
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
            }
        });
    }

    Device connect() throws MqttException {
        client.connect(options).waitForCompletion(20_000);
        return this;
    }

    void subscribe(String filter) throws MqttException {
        client.subscribe(new MqttSubscription(filter, 1)).waitForCompletion(10_000);
    }

    /** Publishes at QoS 1; true once the broker acknowledged it (PUBACK), false if it was not (yet). */
    boolean publishAcknowledged(String topic, String payload) {
        try {
            MqttMessage m = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
            m.setQos(1);
            IMqttToken t = client.publish(topic, m);
            t.waitForCompletion(5_000);
            return t.isComplete() && t.getException() == null
                    && (t.getReasonCodes() == null || t.getReasonCodes().length == 0 || t.getReasonCodes()[0] < 0x80);
        } catch (MqttException e) {
            return false;
        }
    }

    static SSLContext sslContext(Path p12, Path caFile) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            keys.load(in, DevicePki.PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, DevicePki.PASSWORD.toCharArray());
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            trust.setCertificateEntry("device-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(5_000);
            }
            client.close(true);
        } catch (MqttException e) {
            // already gone
        }
    }
}
