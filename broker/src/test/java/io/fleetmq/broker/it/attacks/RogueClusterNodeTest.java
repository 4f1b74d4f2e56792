package io.fleetmq.broker.it.attacks;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.fleetmq.broker.cluster.ClusterFrame;
import io.fleetmq.broker.message.PublishMessage;
import io.fleetmq.broker.message.PublishProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static io.fleetmq.broker.it.attacks.SecuredTwoNodeCluster.await;
import static io.fleetmq.broker.it.attacks.SecuredTwoNodeCluster.client;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster port is reachable by an attacker (any process on the node network). Without the cluster secret a
 * JGroups channel built exactly like a node's, with no encryption or with a wrong secret, must not become a member,
 * must not see a single forwarded publish, and must not get a publish, a retained message or a session claim in,
 * even when it sends straight to a node's address without ever being in a view. Garbage on the port changes nothing.
 */
class RogueClusterNodeTest {
    @TempDir
    static Path dir;
    static SecuredTwoNodeCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = SecuredTwoNodeCluster.start(dir, Duration.ofSeconds(3));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aPeerWithoutTheSecretNeverJoinsSeesNothingAndInjectsNothing() throws Exception {
        attack(cluster.peer("rogue-plain", null));
    }

    @Test
    void aPeerWithAWrongSecretNeverJoinsSeesNothingAndInjectsNothing() throws Exception {
        Path wrong = SecuredTwoNodeCluster.writeSecret(dir.resolve("wrong.secret"));
        attack(cluster.peer("rogue-wrong-key", wrong));
    }

    /** The same channel with the right secret does join: the refusals above are the secret's doing, not the setup's. */
    @Test
    void theSameChannelWithTheSecretJoins() throws Exception {
        SecuredTwoNodeCluster.Peer peer = cluster.peer("with-secret", cluster.secretFile);
        try {
            await(() -> peer.channel.getView().size() == 3, Duration.ofSeconds(20), "peer with the secret joined");
            await(() -> cluster.cluster(0).members().contains("with-secret"), Duration.ofSeconds(10),
                    "node-1 sees the peer");
        } finally {
            peer.channel.close();
        }
        await(() -> cluster.cluster(0).members().size() == 2, Duration.ofSeconds(20), "peer left again");
    }

    /**
     * The control experiment: against the same two nodes run without a secret, the same rogue's crafted forward is
     * delivered to a subscriber. So the refusals above are the seal's doing, not a rogue that cannot reach a node.
     */
    @Test
    void withoutASecretTheSameRogueInjectsAPublish() throws Exception {
        try (SecuredTwoNodeCluster plain = SecuredTwoNodeCluster.startWithoutSecret()) {
            SecuredTwoNodeCluster.Peer rogue = plain.peer("rogue-control", null);
            Mqtt5BlockingClient sub = client(plain.nodes.get(0), "control-sub");
            try (Mqtt5BlockingClient.Mqtt5Publishes in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
                sub.subscribeWith().topicFilter("control/#").qos(MqttQos.AT_LEAST_ONCE).send();
                PublishMessage injected = new PublishMessage("control/injected", 1, false,
                        "from the rogue".getBytes(StandardCharsets.UTF_8), PublishProperties.NONE, "",
                        System.nanoTime());
                rogue.sendTo(0, new ClusterFrame.Forward(injected));
                Optional<Mqtt5Publish> p = in.receive(10, TimeUnit.SECONDS);
                assertThat(p).as("the injected publish, without a seal").isPresent();
                assertThat(p.get().getTopic().toString()).isEqualTo("control/injected");
            } finally {
                sub.disconnect();
            }
        }
    }

    @Test
    void garbageOnTheClusterPortDoesNotDisturbTheCluster() throws Exception {
        SecureRandom random = new SecureRandom();
        for (int port : cluster.clusterPorts) {
            for (int attempt = 0; attempt < 5; attempt++) {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    byte[] junk = new byte[64 * 1024];
                    random.nextBytes(junk);
                    if (attempt == 0) {
                        // Starts like a JGroups connection preamble ("bela" cookie), then nonsense.
                        System.arraycopy("bela".getBytes(StandardCharsets.US_ASCII), 0, junk, 0, 4);
                    }
                    OutputStream out = s.getOutputStream();
                    out.write(junk);
                    out.flush();
                } catch (java.io.IOException e) {
                    // the node closed the connection on us: that is fine
                }
            }
        }
        assertThat(cluster.cluster(0).members()).containsExactlyInAnyOrder("node-1", "node-2");
        assertThat(cluster.cluster(1).members()).containsExactlyInAnyOrder("node-1", "node-2");
        // And publishes still cross the cluster.
        Mqtt5BlockingClient sub = client(cluster.nodes.get(1), "garbage-sub");
        try (Mqtt5BlockingClient.Mqtt5Publishes in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("garbage/after").qos(MqttQos.AT_LEAST_ONCE).send();
            awaitRoute("garbage/after");
            Mqtt5BlockingClient pub = client(cluster.nodes.get(0), "garbage-pub");
            pub.publishWith().topic("garbage/after").qos(MqttQos.AT_LEAST_ONCE).payload("ok".getBytes()).send();
            assertThat(in.receive(10, TimeUnit.SECONDS)).as("publish across the cluster after the garbage")
                    .isPresent();
            pub.disconnect();
        } finally {
            sub.disconnect();
        }
    }

    private void attack(SecuredTwoNodeCluster.Peer rogue) throws Exception {
        String topic = "stream/" + rogue.channel.getName();
        // A device with a persistent session on node-1: the rogue will try to claim it.
        String victimId = "victim-of-" + rogue.channel.getName();
        Mqtt5BlockingClient victim = Mqtt5Client.builder().identifier(victimId).serverHost("127.0.0.1")
                .serverPort(cluster.nodes.get(0).port()).buildBlocking();
        victim.connectWith().cleanStart(true).sessionExpiryInterval(3600).send();
        Mqtt5BlockingClient sub = client(cluster.nodes.get(1), "sub-of-" + rogue.channel.getName());
        Mqtt5BlockingClient pub = client(cluster.nodes.get(0), "pub-of-" + rogue.channel.getName());
        try (Mqtt5BlockingClient.Mqtt5Publishes in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter(topic + "/#").qos(MqttQos.AT_LEAST_ONCE).send();
            awaitRoute(topic + "/#");

            // 1. A stream of publishes on node-1 for a subscriber on node-2: forwarded over the cluster port.
            for (int i = 0; i < 50; i++) {
                pub.publishWith().topic(topic + "/" + i).qos(MqttQos.AT_LEAST_ONCE).payload(("m" + i).getBytes())
                        .send();
            }
            for (int i = 0; i < 50; i++) {
                assertThat(in.receive(10, TimeUnit.SECONDS)).as("legitimate publish %d", i).isPresent();
            }

            // 2. Crafted frames sent straight to both nodes' addresses, never having been in their view.
            long now = System.nanoTime();
            PublishMessage injected = new PublishMessage(topic + "/injected", 1, false,
                    "from the rogue".getBytes(StandardCharsets.UTF_8), PublishProperties.NONE, "", now);
            PublishMessage retained = new PublishMessage(topic + "/retained", 1, true,
                    "rogue retained".getBytes(StandardCharsets.UTF_8), PublishProperties.NONE, "", now);
            for (int node = 0; node < 2; node++) {
                rogue.sendTo(node, new ClusterFrame.Hello(1, rogue.channel.getName()),
                        new ClusterFrame.RouteSnapshot(List.of("#")),
                        new ClusterFrame.Forward(injected),
                        new ClusterFrame.RetainedPut(retained),
                        new ClusterFrame.ClaimRequest(1, victimId, false, rogue.channel.getName(), null));
            }

            // A marker through the real path; after it, a further second of silence for anything injected.
            pub.publishWith().topic(topic + "/marker").qos(MqttQos.AT_LEAST_ONCE).payload("marker".getBytes())
                    .send();
            List<String> after = new ArrayList<>();
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < quietUntil) {
                Optional<Mqtt5Publish> p = in.receive(200, TimeUnit.MILLISECONDS);
                if (p.isPresent()) {
                    after.add(p.get().getTopic().toString());
                    if (p.get().getTopic().toString().endsWith("/marker")) {
                        quietUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                    }
                }
                assertThat(after.size()).as("only the marker arrives").isLessThan(5);
            }
            assertThat(after).containsExactly(topic + "/marker");
        } finally {
            sub.disconnect();
            pub.disconnect();
        }

        // No retained message was planted on either node.
        for (int node = 0; node < 2; node++) {
            Mqtt5BlockingClient reader = client(cluster.nodes.get(node), "retained-reader-" + node);
            try (Mqtt5BlockingClient.Mqtt5Publishes in = reader.publishes(MqttGlobalPublishFilter.ALL)) {
                reader.subscribeWith().topicFilter(topic + "/retained").qos(MqttQos.AT_LEAST_ONCE).send();
                assertThat(in.receive(1, TimeUnit.SECONDS)).as("retained message on node-%d", node + 1).isEmpty();
            } finally {
                reader.disconnect();
            }
        }

        // The claim did not take the victim's connection away, and nothing reached the rogue.
        assertThat(victim.getState().isConnected()).as("victim still connected").isTrue();
        victim.disconnect();
        assertThat(rogue.received).as("messages delivered to the rogue").isEmpty();
        assertThat(rogue.channel.getView().getMembers()).as("rogue's view").hasSize(1);
        assertThat(cluster.cluster(0).members()).containsExactlyInAnyOrder("node-1", "node-2");
        assertThat(cluster.cluster(1).members()).containsExactlyInAnyOrder("node-1", "node-2");
        rogue.channel.close();
    }

    private static void awaitRoute(String filter) throws InterruptedException {
        await(() -> cluster.cluster(0).hasRemoteRoute("node-2", filter), Duration.ofSeconds(10),
                "node-1 knows node-2's route " + filter);
    }
}
