package io.fleetmq.broker.it.attacks;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.fleetmq.broker.cluster.ClusterFrame;
import org.jgroups.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.fleetmq.broker.it.attacks.SecuredTwoNodeCluster.await;
import static io.fleetmq.broker.it.attacks.SecuredTwoNodeCluster.client;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A member that stops reading (overloaded, hung in GC, or hostile) subscribes to everything, so every publish is
 * forwarded to it too. JGroups flow control then blocks the sends to it. That must hold up only its own queue:
 * the other node keeps receiving forwards at full speed, and the stalled peer's queue shows in its metric.
 */
class SlowPeerTest {
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
    void aStalledPeerDoesNotHoldUpForwardsToTheOtherNode() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        SecuredTwoNodeCluster.Peer stalled = cluster.peer("stalled", cluster.secretFile);
        stalled.channel.setReceiver(new org.jgroups.Receiver() {
            @Override
            public void receive(Message msg) {
                try {
                    release.await(); // stops reading: JGroups' credits for node-1 are never given back
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        try {
            await(() -> cluster.cluster(0).members().contains("stalled"), Duration.ofSeconds(20), "stalled joined");
            // It wants every publish.
            stalled.sendTo(0, new ClusterFrame.Hello(1, "stalled"), new ClusterFrame.RouteSnapshot(List.of("#")));
            await(() -> cluster.cluster(0).hasRemoteRoute("stalled", "#"), Duration.ofSeconds(10),
                    "node-1 routes everything to the stalled peer");

            Mqtt5BlockingClient sub = client(cluster.nodes.get(1), "fast-sub");
            Mqtt5BlockingClient pub = client(cluster.nodes.get(0), "bulk-pub");
            try (Mqtt5BlockingClient.Mqtt5Publishes in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
                sub.subscribeWith().topicFilter("bulk/#").qos(MqttQos.AT_MOST_ONCE).send();
                await(() -> cluster.cluster(0).hasRemoteRoute("node-2", "bulk/#"), Duration.ofSeconds(10),
                        "node-1 knows node-2's route");
                // 12 MiB: more than JGroups' 5 MB of credits, so sends to the stalled peer block (5 s each).
                byte[] payload = new byte[64 * 1024];
                int n = 192;
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    pub.publishWith().topic("bulk/" + i).qos(MqttQos.AT_MOST_ONCE).payload(payload).send();
                }
                for (int i = 0; i < n; i++) {
                    assertThat(in.receive(20, TimeUnit.SECONDS)).as("forward %d to node-2", i).isPresent();
                }
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                System.out.println("192 x 64 KiB to node-2 with a stalled peer in the cluster: " + ms + " ms");
                assertThat(ms).as("node-2 not held up by the stalled peer").isLessThan(20_000);
            } finally {
                sub.disconnect();
                pub.disconnect();
            }
            // The stalled peer's own queue is what grew, and it is visible per peer.
            assertThat(cluster.cluster(0).queuedFor("stalled")).as("frames waiting for the stalled peer")
                    .isPositive();
            String scrape = cluster.nodes.get(0).broker().metrics().scrape();
            assertThat(gauge(scrape, "stalled")).as("fleetmq_cluster_peer_queued_frames{peer=stalled}").isPositive();
            assertThat(gauge(scrape, "node-2")).as("fleetmq_cluster_peer_queued_frames{peer=node-2}")
                    .isGreaterThanOrEqualTo(0);
        } finally {
            release.countDown();
            stalled.channel.close();
        }
        await(() -> cluster.cluster(0).members().size() == 2, Duration.ofSeconds(30), "stalled peer gone");
        assertThat(cluster.nodes.get(0).broker().metrics().scrape()).as("series of a peer that left")
                .doesNotContain("peer=\"stalled\"");
    }

    /** The value of {@code fleetmq_cluster_peer_queued_frames} for {@code peer}, or -1 when not exported. */
    private static double gauge(String scrape, String peer) {
        Matcher m = Pattern.compile("(?m)^fleetmq_cluster_peer_queued_frames\\{[^}]*peer=\"" + Pattern.quote(peer)
                + "\"[^}]*} (\\S+)$").matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
