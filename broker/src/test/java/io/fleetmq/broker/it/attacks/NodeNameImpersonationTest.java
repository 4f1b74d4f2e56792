package io.fleetmq.broker.it.attacks;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.fleetmq.broker.cluster.ClusterFrame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.fleetmq.broker.it.attacks.SecuredTwoNodeCluster.await;
import static io.fleetmq.broker.it.attacks.SecuredTwoNodeCluster.client;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Node names are identities: routes, forwards and session claims are addressed by them. A member that holds the
 * secret (a compromised or misconfigured node) must still not take another node's name, neither by a Hello frame
 * naming it nor by joining under the same JGroups name, and so must not receive publishes meant for that node or
 * speak for it.
 */
class NodeNameImpersonationTest {
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
    void aHelloClaimingAnotherNodesNameIsRefused() throws Exception {
        SecuredTwoNodeCluster.Peer insider = cluster.peer("insider", cluster.secretFile);
        try {
            await(() -> cluster.cluster(0).members().contains("insider"), Duration.ofSeconds(20), "insider joined");
            insider.sendTo(0, new ClusterFrame.Hello(1, "node-2"));
            assertForwardsStillReachNode2AndNotTheImpostor(insider, "hello");
        } finally {
            insider.channel.close();
        }
    }

    @Test
    void aSecondMemberJoiningUnderAnExistingNodeNameIsIgnored() throws Exception {
        SecuredTwoNodeCluster.Peer impostor = cluster.peer("node-2", cluster.secretFile);
        try {
            await(() -> impostor.channel.getView().size() == 3, Duration.ofSeconds(20), "impostor in the view");
            assertThat(cluster.cluster(0).members()).as("node-1's members").containsExactlyInAnyOrder("node-1",
                    "node-2");
            // Speaking as node-2: a route node-2 never subscribed to.
            impostor.sendTo(0, new ClusterFrame.RouteDelta(List.of("stolen/#"), List.of()));
            assertForwardsStillReachNode2AndNotTheImpostor(impostor, "joined");
            assertThat(cluster.cluster(0).hasRemoteRoute("node-2", "stolen/#"))
                    .as("route announced by the impostor in node-2's name").isFalse();
        } finally {
            impostor.channel.close();
        }
    }

    private void assertForwardsStillReachNode2AndNotTheImpostor(SecuredTwoNodeCluster.Peer impostor, String tag)
            throws Exception {
        String topic = "imp/" + tag;
        Mqtt5BlockingClient sub = client(cluster.nodes.get(1), "imp-sub-" + tag);
        Mqtt5BlockingClient pub = client(cluster.nodes.get(0), "imp-pub-" + tag);
        try (Mqtt5BlockingClient.Mqtt5Publishes in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter(topic + "/#").qos(MqttQos.AT_LEAST_ONCE).send();
            await(() -> cluster.cluster(0).hasRemoteRoute("node-2", topic + "/#"), Duration.ofSeconds(10),
                    "node-1 knows node-2's route");
            for (int i = 0; i < 10; i++) {
                pub.publishWith().topic(topic + "/" + i).qos(MqttQos.AT_LEAST_ONCE).payload(("p" + i).getBytes())
                        .send();
            }
            for (int i = 0; i < 10; i++) {
                assertThat(in.receive(10, TimeUnit.SECONDS)).as("publish %d reaches the real node-2", i).isPresent();
            }
        } finally {
            sub.disconnect();
            pub.disconnect();
        }
        assertThat(impostor.frames()).as("frames the impostor received")
                .noneMatch(f -> f instanceof ClusterFrame.Forward);
    }
}
