package io.fleetmq.broker.it.attacks;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.fleetmq.broker.cluster.ClusterCodec;
import io.fleetmq.broker.cluster.ClusterFrame;
import io.fleetmq.broker.message.PublishMessage;
import io.fleetmq.broker.message.PublishProperties;
import io.fleetmq.broker.routing.Subscription;
import io.fleetmq.broker.session.OutboundMessage;
import io.fleetmq.broker.session.SessionState;
import org.jgroups.BytesMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static io.fleetmq.broker.it.attacks.SecuredTwoNodeCluster.await;
import static io.fleetmq.broker.it.attacks.SecuredTwoNodeCluster.client;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A claim reply carries a whole session (subscriptions and queued messages) into a node. A member holding the secret
 * sends replies nobody asked it for, to each node and to all members at once, carrying a forged session for a
 * device: a subscription to everything and a forged command. No node may install it: the device's real session and
 * its queued commands stay as they were, and the forged subscription and command never take effect.
 */
class SpoofedClaimReplyTest {
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
    void claimRepliesNobodyAskedForInstallNoSession() throws Exception {
        // The device's real session on node-1, offline, with three commands queued.
        Mqtt5BlockingClient device = Mqtt5Client.builder().identifier("door-7").serverHost("127.0.0.1")
                .serverPort(cluster.nodes.get(0).port()).buildBlocking();
        device.connectWith().cleanStart(true).sessionExpiryInterval(3600).send();
        device.subscribeWith().topicFilter("cmd/door-7/#").qos(MqttQos.AT_LEAST_ONCE).send();
        device.disconnect();
        Mqtt5BlockingClient backend = client(cluster.nodes.get(0), "backend");
        for (int i = 0; i < 3; i++) {
            backend.publishWith().topic("cmd/door-7/lock").qos(MqttQos.AT_LEAST_ONCE).payload(("c" + i).getBytes())
                    .send();
        }

        SecuredTwoNodeCluster.Peer insider = cluster.peer("insider", cluster.secretFile);
        try {
            await(() -> cluster.cluster(0).members().contains("insider")
                    && cluster.cluster(1).members().contains("insider"), Duration.ofSeconds(20), "insider joined");
            PublishMessage forged = new PublishMessage("cmd/door-7/unlock", 1, false,
                    "forged".getBytes(StandardCharsets.UTF_8), PublishProperties.NONE, "", System.nanoTime());
            SessionState stolen = new SessionState("door-7", 3600, List.of(Subscription.of("#", 1)), List.of(),
                    List.of(new OutboundMessage(forged, List.of(), null)), List.of(), 0);
            List<ClusterFrame> replies = new ArrayList<>();
            for (long requestId = 0; requestId < 32; requestId++) {
                replies.add(new ClusterFrame.ClaimReply(requestId, "door-7", stolen, ""));
            }
            ClusterFrame[] batch = replies.toArray(new ClusterFrame[0]);
            insider.sendTo(0, batch);
            insider.sendTo(1, batch);
            // And once to every member at once.
            ClusterCodec.BatchWriter all = new ClusterCodec.BatchWriter(System.nanoTime());
            replies.forEach(all::add);
            insider.channel.send(new BytesMessage(null, all.toByteArray()));
            // A frame the nodes do answer, sent after the replies on the same path: once it is answered, the
            // replies were read (per-sender order).
            insider.sendTo(0, new ClusterFrame.ClaimRequest(1, "nobody-here", false, "insider", null));
            insider.sendTo(1, new ClusterFrame.ClaimRequest(2, "nobody-here", false, "insider", null));
            await(() -> insider.frames().stream().filter(f -> f instanceof ClusterFrame.ClaimReply r
                            && r.clientId().equals("nobody-here")).count() == 2,
                    Duration.ofSeconds(10), "both nodes answered the insider's own claim");
        } finally {
            insider.channel.close();
        }
        await(() -> cluster.cluster(0).members().size() == 2, Duration.ofSeconds(30), "insider gone");

        // The device comes back to node-2: it gets its real session from node-1, with its real commands only.
        Mqtt5BlockingClient again = Mqtt5Client.builder().identifier("door-7").serverHost("127.0.0.1")
                .serverPort(cluster.nodes.get(1).port()).buildBlocking();
        try (Mqtt5BlockingClient.Mqtt5Publishes in = again.publishes(MqttGlobalPublishFilter.ALL)) {
            Mqtt5ConnAck ack = again.connectWith().cleanStart(false).sessionExpiryInterval(3600).send();
            assertThat(ack.isSessionPresent()).as("real session present").isTrue();
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Optional<Mqtt5Publish> p = in.receive(10, TimeUnit.SECONDS);
                assertThat(p).as("queued command %d", i).isPresent();
                got.add(new String(p.get().getPayloadAsBytes(), StandardCharsets.UTF_8));
            }
            assertThat(got).containsExactly("c0", "c1", "c2");
            // The forged "#" subscription is not there: another device's traffic does not reach it.
            backend.publishWith().topic("cmd/door-8/lock").qos(MqttQos.AT_LEAST_ONCE).payload("x".getBytes()).send();
            backend.publishWith().topic("cmd/door-7/lock").qos(MqttQos.AT_LEAST_ONCE).payload("c3".getBytes()).send();
            Optional<Mqtt5Publish> next = in.receive(10, TimeUnit.SECONDS);
            assertThat(next).isPresent();
            assertThat(new String(next.get().getPayloadAsBytes(), StandardCharsets.UTF_8))
                    .as("next message is its own, not door-8's nor the forged one").isEqualTo("c3");
            assertThat(in.receive(500, TimeUnit.MILLISECONDS)).as("nothing else").isEmpty();
        } finally {
            again.disconnect();
            backend.disconnect();
        }
    }
}
