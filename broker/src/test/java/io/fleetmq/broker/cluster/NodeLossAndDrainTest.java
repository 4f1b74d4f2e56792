package io.fleetmq.broker.cluster;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.lifecycle.Mqtt5ClientDisconnectedContext;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** A node killed with SIGKILL, and a node drained with SIGTERM, while clients keep publishing. */
class NodeLossAndDrainTest {
    @TempDir
    Path logs;

    @Test
    void afterKillMinus9TheSurvivorsDropTheDeadNodesRoutesInBoundedTimeAndKeepServing() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(3, logs, "cluster.nodeLossTimeout=5s")) {
            NodeProcess a = cluster.node(0);
            NodeProcess b = cluster.node(1);
            NodeProcess victim = cluster.node(2);
            Mqtt5BlockingClient subA = ClusterMessagingTest.v5(a, "loss-sub");
            AtomicInteger received = new AtomicInteger();
            subA.toAsync().publishes(MqttGlobalPublishFilter.ALL, p -> received.incrementAndGet());
            subA.subscribeWith().topicFilter("load/#").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt5BlockingClient onVictim = ClusterMessagingTest.v5(victim, "victim-sub");
            onVictim.subscribeWith().topicFilter("load/#").qos(MqttQos.AT_LEAST_ONCE).send();
            Thread.sleep(300);

            Mqtt5BlockingClient pubB = ClusterMessagingTest.v5(b, "loss-pub");
            AtomicBoolean publishing = new AtomicBoolean(true);
            AtomicInteger sent = new AtomicInteger();
            Thread load = new Thread(() -> {
                while (publishing.get()) {
                    pubB.publishWith().topic("load/" + sent.get()).qos(MqttQos.AT_LEAST_ONCE)
                            .payload("x".getBytes()).send();
                    sent.incrementAndGet();
                }
            });
            load.start();
            Thread.sleep(500);
            int linesA = a.lines().size();
            int linesB = b.lines().size();
            long killedAt = System.nanoTime();
            victim.kill9();
            a.awaitLogSince(linesA, l -> l.contains("left [node-3]"), Duration.ofSeconds(10));
            b.awaitLogSince(linesB, l -> l.contains("left [node-3]"), Duration.ofSeconds(10));
            long dropMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            System.out.println("node-3 killed with SIGKILL: survivors dropped it and its routes after " + dropMs
                    + " ms");
            assertThat(dropMs).as("routes of a dead node dropped within cluster.nodeLossTimeout").isLessThan(10_000);
            int before = received.get();
            Thread.sleep(1000);
            publishing.set(false);
            load.join(10_000);
            assertThat(received.get()).as("node-1's subscriber keeps receiving from node-2 after the loss")
                    .isGreaterThan(before);
            pubB.disconnect();
            subA.disconnect();
        }
    }

    @Test
    void drainingANodeUnderLoadLosesNoQos1MessageOfPersistentSessions() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(3, logs, "cluster.drainRate=50")) {
            NodeProcess draining = cluster.node(0);
            List<NodeProcess> survivors = List.of(cluster.node(1), cluster.node(2));
            int devices = 10;
            List<Set<Integer>> seen = new ArrayList<>();
            List<Mqtt5AsyncClient> clients = new ArrayList<>();
            BlockingQueue<String> moveReasons = new LinkedBlockingQueue<>();
            for (int d = 0; d < devices; d++) {
                Set<Integer> got = ConcurrentHashMap.newKeySet();
                seen.add(got);
                String id = "drain-dev-" + d;
                NodeProcess next = survivors.get(d % 2);
                // Like a device behind the load balancer: told to use another server, it reconnects there with
                // its persistent session (the LB would pick a surviving node).
                Mqtt5AsyncClient c = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1")
                        .serverPort(draining.port())
                        .automaticReconnect().initialDelay(50, TimeUnit.MILLISECONDS)
                        .maxDelay(200, TimeUnit.MILLISECONDS).applyAutomaticReconnect()
                        .addDisconnectedListener(ctx -> {
                            if (ctx.getCause() instanceof Mqtt5DisconnectException e) {
                                moveReasons.add(e.getMqttMessage().getReasonCode().name());
                            }
                            ((Mqtt5ClientDisconnectedContext) ctx).getReconnector().transportConfig().serverPort(next.port()).applyTransportConfig()
                                    .connectWith().cleanStart(false).sessionExpiryInterval(3600).applyConnect();
                        })
                        .buildAsync();
                c.publishes(MqttGlobalPublishFilter.ALL, p -> got.add(
                        Integer.parseInt(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8))));
                c.connectWith().cleanStart(true).sessionExpiryInterval(3600).send().get(10, TimeUnit.SECONDS);
                c.subscribeWith().topicFilter("fleet/" + d + "/cmd").qos(MqttQos.AT_LEAST_ONCE).send()
                        .get(10, TimeUnit.SECONDS);
                clients.add(c);
            }
            Thread.sleep(300);

            Mqtt5BlockingClient publisher = ClusterMessagingTest.v5(cluster.node(1), "drain-pub");
            AtomicBoolean publishing = new AtomicBoolean(true);
            AtomicInteger acked = new AtomicInteger();
            Thread load = new Thread(() -> {
                int seq = 0;
                while (publishing.get()) {
                    for (int d = 0; d < devices; d++) {
                        // send() returns once the PUBACK arrived: every counted message was acknowledged.
                        publisher.publishWith().topic("fleet/" + d + "/cmd").qos(MqttQos.AT_LEAST_ONCE)
                                .payload(Integer.toString(seq).getBytes()).send();
                    }
                    seq++;
                    acked.set(seq);
                }
            });
            load.start();
            Thread.sleep(500);
            long t0 = System.nanoTime();
            int atSigterm = acked.get();
            int exit = draining.sigterm(Duration.ofSeconds(60));
            long drainMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            Thread.sleep(500);
            publishing.set(false);
            load.join(10_000);
            int published = acked.get();
            System.out.println(LocalTime.now() + " drained node-1 in " + drainMs + " ms under load; " + published
                    + " messages per device acknowledged (" + atSigterm + " before SIGTERM)");
            assertThat(exit).as("a drained node exits cleanly").isZero();
            assertThat(moveReasons.poll(1, TimeUnit.SECONDS)).as("v5 clients were told to use another server")
                    .isEqualTo(Mqtt5DisconnectReasonCode.USE_ANOTHER_SERVER.name());
            long deadline = System.currentTimeMillis() + 15_000;
            while (System.currentTimeMillis() < deadline && !allSeen(seen, published)) {
                Thread.sleep(100);
            }
            for (int d = 0; d < devices; d++) {
                List<Integer> missing = new ArrayList<>();
                for (int i = 0; i < published; i++) {
                    if (!seen.get(d).contains(i)) {
                        missing.add(i);
                    }
                }
                assertThat(missing).as("device %d: acknowledged messages never delivered", d).isEmpty();
            }
            publisher.disconnect();
            for (Mqtt5AsyncClient c : clients) {
                c.disconnect();
            }
        }
    }

    private static boolean allSeen(List<Set<Integer>> seen, int published) {
        for (Set<Integer> s : seen) {
            for (int i = 0; i < published; i++) {
                if (!s.contains(i)) {
                    return false;
                }
            }
        }
        return true;
    }
}
