package io.fleetmq.broker.cluster;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.eclipse.paho.client.mqttv3.IMqttMessageListener;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A client id is live on one node at a time; a resumed session follows its client to whichever node it reaches. */
class ClusterTakeoverTest {
    @TempDir
    static Path logs;
    static LocalCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = LocalCluster.start(3, logs);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void queuedQos1MessagesFollowAPersistentSessionToAnotherNode() throws Exception {
        // The device subscribes on node-1 with a persistent session, then goes offline.
        Mqtt5BlockingClient device = Mqtt5Client.builder().identifier("panel-42").serverHost("127.0.0.1")
                .serverPort(cluster.node(0).port()).buildBlocking();
        device.connectWith().cleanStart(true).sessionExpiryInterval(3600).send();
        device.subscribeWith().topicFilter("cmd/panel-42/#").qos(MqttQos.AT_LEAST_ONCE).send();
        device.disconnect();
        Thread.sleep(200);

        // Commands published on node-2 queue in the session on node-1.
        Mqtt5BlockingClient backend = ClusterMessagingTest.v5(cluster.node(1), "backend-42");
        for (int i = 0; i < 20; i++) {
            backend.publishWith().topic("cmd/panel-42/arm").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(("c" + i).getBytes()).send();
        }
        backend.disconnect();

        // The load balancer sends the device to node-3 this time.
        Mqtt5BlockingClient again = Mqtt5Client.builder().identifier("panel-42").serverHost("127.0.0.1")
                .serverPort(cluster.node(2).port()).buildBlocking();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = again.publishes(MqttGlobalPublishFilter.ALL)) {
            long t0 = System.nanoTime();
            Mqtt5ConnAck ack = again.connectWith().cleanStart(false).sessionExpiryInterval(3600).send();
            long takeoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(ack.isSessionPresent()).as("session present after moving nodes").isTrue();
            System.out.println("takeover across nodes (CONNECT on node-3 to CONNACK, session with 20 queued QoS 1 "
                    + "messages on node-1): " + takeoverMs + " ms");
            for (int i = 0; i < 20; i++) {
                Optional<Mqtt5Publish> p = publishes.receive(10, TimeUnit.SECONDS);
                assertThat(p).as("queued command %d", i).isPresent();
                assertThat(new String(p.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("c" + i);
            }
            // The subscription moved too: new commands published on node-1 now reach node-3.
            Thread.sleep(300);
            Mqtt5BlockingClient later = ClusterMessagingTest.v5(cluster.node(0), "backend-42b");
            later.publishWith().topic("cmd/panel-42/disarm").qos(MqttQos.AT_LEAST_ONCE).payload("d".getBytes())
                    .send();
            later.disconnect();
            Optional<Mqtt5Publish> live = publishes.receive(10, TimeUnit.SECONDS);
            assertThat(live).isPresent();
            assertThat(live.get().getTopic().toString()).isEqualTo("cmd/panel-42/disarm");
            assertThat(publishes.receive(500, TimeUnit.MILLISECONDS)).as("no duplicates").isEmpty();
        } finally {
            again.disconnectWith().sessionExpiryInterval(0).send();
        }
    }

    @Test
    void connectingOnAnotherNodeClosesTheOldConnectionWithSessionTakenOver() throws Exception {
        BlockingQueue<Throwable> disconnects = new LinkedBlockingQueue<>();
        Mqtt5BlockingClient first = Mqtt5Client.builder().identifier("gateway-7").serverHost("127.0.0.1")
                .serverPort(cluster.node(0).port()).addDisconnectedListener(c -> disconnects.add(c.getCause()))
                .buildBlocking();
        first.connectWith().cleanStart(false).sessionExpiryInterval(600).send();
        first.subscribeWith().topicFilter("gw/7/in").qos(MqttQos.AT_LEAST_ONCE).send();

        Mqtt5BlockingClient second = Mqtt5Client.builder().identifier("gateway-7").serverHost("127.0.0.1")
                .serverPort(cluster.node(1).port()).buildBlocking();
        long t0 = System.nanoTime();
        Mqtt5ConnAck ack = second.connectWith().cleanStart(false).sessionExpiryInterval(600).send();
        System.out.println("live takeover across nodes (CONNECT on node-2 to CONNACK, old connection on node-1): "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
        assertThat(ack.isSessionPresent()).isTrue();

        Throwable cause = disconnects.poll(10, TimeUnit.SECONDS);
        assertThat(cause).isInstanceOf(Mqtt5DisconnectException.class);
        assertThat(((Mqtt5DisconnectException) cause).getMqttMessage().getReasonCode())
                .isEqualTo(Mqtt5DisconnectReasonCode.SESSION_TAKEN_OVER);
        second.disconnectWith().sessionExpiryInterval(0).send();
    }

    @Test
    void aV3PersistentSessionMovesWithItsInflightAndQueuedMessages() throws Exception {
        String topic = "legacy/alarm";
        MqttConnectOptions persistent = new MqttConnectOptions();
        persistent.setCleanSession(false);
        MqttClient device = new MqttClient("tcp://127.0.0.1:" + cluster.node(1).port(), "legacy-1",
                new MemoryPersistence());
        device.connect(persistent);
        device.subscribe(topic, 1);
        device.disconnect();

        MqttClient publisher = new MqttClient("tcp://127.0.0.1:" + cluster.node(2).port(), "legacy-pub",
                new MemoryPersistence());
        publisher.connect();
        for (int i = 0; i < 50; i++) {
            publisher.publish(topic, ("a" + i).getBytes(), 1, false);
        }
        publisher.disconnect();

        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        MqttClient back = new MqttClient("tcp://127.0.0.1:" + cluster.node(0).port(), "legacy-1",
                new MemoryPersistence());
        back.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
            public void connectionLost(Throwable cause) {
            }

            public void messageArrived(String t, org.eclipse.paho.client.mqttv3.MqttMessage m) {
                got.add(new String(m.getPayload(), StandardCharsets.UTF_8));
            }

            public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
            }
        });
        back.connect(persistent);
        List<String> received = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 10_000;
        while (received.size() < 50 && System.currentTimeMillis() < deadline) {
            String s = got.poll(100, TimeUnit.MILLISECONDS);
            if (s != null) {
                received.add(s);
            }
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            expected.add("a" + i);
        }
        assertThat(received).as("all 50 queued messages, in order, after moving node-2 -> node-1")
                .isEqualTo(expected);
        back.disconnect();
        MqttConnectOptions clean = new MqttConnectOptions();
        clean.setCleanSession(true);
        back.connect(clean);
        back.disconnect();
    }
}
