package io.fleetmq.broker.cluster;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The race behind a lost session: a client moves to another node while the node holding its session is frozen (a
 * long GC pause, an overloaded host). The claim times out after {@code cluster.takeoverTimeout}, so the client gets a
 * new session (session present 0); when the holder thaws, it still answers with the old session and its queued
 * QoS 1 messages. Those must not be dropped: they are merged into the session the client has now.
 */
class LateClaimReplyTest {
    @TempDir
    Path logs;

    @Test
    void aSessionThatArrivesAfterTheTakeoverTimeoutIsMergedWithItsQueuedMessages() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(2, logs, "cluster.takeoverTimeout=100ms")) {
            NodeProcess holder = cluster.node(0);
            NodeProcess claimer = cluster.node(1);
            // The device's persistent session lives on node-1; 20 QoS 1 commands queue in it while it is offline.
            Mqtt5BlockingClient device = Mqtt5Client.builder().identifier("meter-9").serverHost("127.0.0.1")
                    .serverPort(holder.port()).buildBlocking();
            device.connectWith().cleanStart(true).sessionExpiryInterval(3600).send();
            device.subscribeWith().topicFilter("cmd/meter-9/#").qos(MqttQos.AT_LEAST_ONCE).send();
            device.disconnect();
            Mqtt5BlockingClient witness = ClusterMessagingTest.v5(holder, "witness");
            Mqtt5BlockingClient backend = ClusterMessagingTest.v5(claimer, "backend");
            // Everything the witness on node-1 sees was queued in the device's offline session by the same dispatch.
            List<String> queued = new ArrayList<>();
            try (Mqtt5BlockingClient.Mqtt5Publishes seen = witness.publishes(MqttGlobalPublishFilter.ALL)) {
                witness.subscribeWith().topicFilter("cmd/meter-9/#").qos(MqttQos.AT_LEAST_ONCE).send();
                // Probes until node-2 routes the filter to node-1 (route changes take a flush interval).
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (queued.isEmpty()) {
                    assertThat(System.nanoTime()).as("node-2 learns node-1's route").isLessThan(deadline);
                    backend.publishWith().topic("cmd/meter-9/probe").qos(MqttQos.AT_LEAST_ONCE)
                            .payload("probe".getBytes()).send();
                    seen.receive(100, TimeUnit.MILLISECONDS).ifPresent(p -> queued.add(text(p)));
                }
                for (int i = 0; i < 20; i++) {
                    backend.publishWith().topic("cmd/meter-9/read").qos(MqttQos.AT_LEAST_ONCE)
                            .payload(("q" + i).getBytes()).send();
                }
                while (!queued.contains("q19")) {
                    Optional<Mqtt5Publish> p = seen.receive(10, TimeUnit.SECONDS);
                    assertThat(p).as("forwards reach node-1 (so far %s)", queued).isPresent();
                    queued.add(text(p.get()));
                }
            } finally {
                witness.disconnect();
                backend.disconnect();
            }
            assertThat(queued).as("queued in the offline session before the move").hasSizeGreaterThanOrEqualTo(21);

            // node-1 freezes; the device reaches node-2, whose claim gets no answer within 100 ms.
            int linesBefore = claimer.lines().size();
            holder.suspend();
            Mqtt5BlockingClient moved = Mqtt5Client.builder().identifier("meter-9").serverHost("127.0.0.1")
                    .serverPort(claimer.port()).buildBlocking();
            try (Mqtt5BlockingClient.Mqtt5Publishes in = moved.publishes(MqttGlobalPublishFilter.ALL)) {
                Mqtt5ConnAck ack;
                try {
                    ack = moved.connectWith().cleanStart(false).sessionExpiryInterval(3600).send();
                } finally {
                    holder.resume();
                }
                assertThat(ack.isSessionPresent()).as("the claim timed out: a new session").isFalse();

                // node-1 thaws and answers late: every queued message still reaches the device, in order.
                List<String> got = new ArrayList<>();
                for (int i = 0; i < queued.size(); i++) {
                    Optional<Mqtt5Publish> p = in.receive(20, TimeUnit.SECONDS);
                    assertThat(p).as("queued message %d after the late reply (got %s)", i, got).isPresent();
                    got.add(text(p.get()));
                }
                assertThat(got).isEqualTo(queued);
                claimer.awaitLogSince(linesBefore, l -> l.contains("client=meter-9 session from node node-1 arrived "
                        + "after the takeover timeout: merged into the current session (0 inflight and "
                        + queued.size() + " queued messages, 1 subscriptions)"), Duration.ofSeconds(10));

                // The merged session's subscription is back too. Once node-1's relay for the moved session has
                // ended (a fixed grace period, a timer of the system under test), only that subscription on node-2
                // can deliver a new command published there.
                Thread.sleep(SessionHandover.RELAY_GRACE.toMillis() + 500);
                Mqtt5BlockingClient later = ClusterMessagingTest.v5(claimer, "backend-later");
                try {
                    later.publishWith().topic("cmd/meter-9/read").qos(MqttQos.AT_LEAST_ONCE)
                            .payload("after".getBytes()).send();
                } finally {
                    later.disconnect();
                }
                Optional<Mqtt5Publish> after = in.receive(20, TimeUnit.SECONDS);
                assertThat(after).as("a publish after the merge, through the restored subscription").isPresent();
                assertThat(text(after.get())).isEqualTo("after");
            } finally {
                moved.disconnect();
            }
        }
    }

    private static String text(Mqtt5Publish p) {
        return new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }
}
