package io.fleetmq.broker.it.attacks;

import io.fleetmq.broker.config.SysConfig;
import io.fleetmq.broker.metrics.LimitReason;
import io.fleetmq.broker.testing.RawMqttClient;
import io.fleetmq.broker.testing.TestBroker;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.fleetmq.broker.it.attacks.Attackers.QUOTA_EXCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attack: retained messages outlive their publisher, so a client that publishes retained messages on ever new topics
 * fills the node's memory for good. Expected: the retained store is bounded in count and bytes, in total and per
 * publishing client id; a PUBLISH with RETAIN over a bound is refused (v5 PUBACK 0x97 Quota exceeded; v3.1.1, which
 * has no error ack, gets its PUBACK and the message is neither stored nor routed), counted in
 * {@code fleetmq_limit_refusals_total{limit=...}}, and other clients keep publishing, retaining and receiving.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RetainedFloodTest {
    private static final Duration QUIET = Duration.ofMillis(500);

    private static TestBroker start(int messages, long bytes, int messagesPerClient, long bytesPerClient) {
        // $SYS off: its retained messages would count against the node-wide bounds the tests measure.
        return TestBroker.start(c -> c.withSys(new SysConfig(false, Duration.ofSeconds(10)))
                .withLimits(c.limits().withRetained(messages, bytes, messagesPerClient, bytesPerClient)));
    }

    @Test
    void aClientPastItsOwnRetainedBoundsIsRefusedWhileOtherClientsStillRetain() throws Exception {
        try (TestBroker broker = start(0, 0, 3, 1000);
             RawMqttClient attacker = Attackers.connected(broker, MqttVersion.MQTT_5, "hoarder");
             RawMqttClient attackerV3 = Attackers.connected(broker, MqttVersion.MQTT_3_1_1, "hoarder-v3");
             RawMqttClient other = Attackers.connected(broker, MqttVersion.MQTT_5, "neighbour")) {
            for (int i = 1; i <= 3; i++) {
                assertThat(Attackers.publishQos1(attacker, "r/a/" + i, bytes("v" + i), true)).isLessThan(0x80);
                assertThat(Attackers.publishQos1(attackerV3, "r/v3/" + i, bytes("v" + i), true)).isZero();
            }
            assertThat(Attackers.publishQos1(attacker, "r/a/4", bytes("v4"), true)).isEqualTo(QUOTA_EXCEEDED);
            // v3.1.1 has no error PUBACK: acknowledged, not stored.
            assertThat(Attackers.publishQos1(attackerV3, "r/v3/4", bytes("v4"), true)).isZero();
            assertThat(Attackers.publishQos1(attacker, "r/a/1", bytes("v1-updated"), true))
                    .as("replacing its own retained message by one no larger is allowed").isLessThan(0x80);
            assertThat(Attackers.publishQos1(attacker, "r/a/1", bytes("x".repeat(990)), true))
                    .as("growing past limits.maxRetainedBytesPerClient").isEqualTo(QUOTA_EXCEEDED);
            assertThat(Attackers.publishQos1(other, "r/b/1", bytes("mine"), true))
                    .as("another client is not affected by the hoarder's bound").isLessThan(0x80);

            try (RawMqttClient reader = Attackers.connected(broker, MqttVersion.MQTT_5, "reader")) {
                reader.subscribe("r/#", MqttQoS.AT_MOST_ONCE);
                assertThat(Attackers.topicsReceived(reader, QUIET)).containsExactlyInAnyOrder(
                        "r/a/1", "r/a/2", "r/a/3", "r/v3/1", "r/v3/2", "r/v3/3", "r/b/1");
            }
            int http = Attackers.httpPort(broker);
            assertThat(MetricsScrape.value(http, "fleetmq_limit_refusals_total",
                    "limit=\"retained_messages_per_client\"")).isEqualTo(2.0);
            assertThat(MetricsScrape.value(http, "fleetmq_limit_refusals_total",
                    "limit=\"retained_bytes_per_client\"")).isEqualTo(1.0);
            assertThat(MetricsScrape.value(http, "fleetmq_retained_messages", "")).isEqualTo(7.0);
            assertThat(attacker.isOpen()).as("refused, not disconnected").isTrue();
        }
    }

    @Test
    void aFloodOfRetainedTopicsStopsAtTheNodeBoundAndADeleteMakesRoom() throws Exception {
        try (TestBroker broker = start(50, 0, 0, 0);
             RawMqttClient innocent = Attackers.connected(broker, MqttVersion.MQTT_5, "innocent")) {
            innocent.subscribe("live/innocent", MqttQoS.AT_MOST_ONCE);
            RawMqttClient[] flooders = new RawMqttClient[3];
            for (int f = 0; f < flooders.length; f++) {
                flooders[f] = Attackers.connected(broker, MqttVersion.MQTT_5, "flooder-" + f);
            }
            try {
                // 3 x 400 retained QoS 0 PUBLISHes on new topics as fast as the sockets take them.
                for (int i = 0; i < 400; i++) {
                    for (int f = 0; f < flooders.length; f++) {
                        flooders[f].publish("flood/" + f + "/" + i, "r" + i, MqttQoS.AT_MOST_ONCE, true);
                    }
                    if (i % 100 == 0) {
                        Attackers.roundTrip(innocent, "live/innocent", "during-" + i);
                    }
                }
                // A QoS 1 PUBLISH on each flooder: once acked, everything it sent before was processed.
                for (RawMqttClient f : flooders) {
                    assertThat(Attackers.publishQos1(f, "flood/last", bytes("x"), true)).isEqualTo(QUOTA_EXCEEDED);
                }
                assertThat(broker.broker().router().retained().size()).isEqualTo(50);
                assertThat(broker.broker().stats().limitCounter(LimitReason.RETAINED_MESSAGES).sum())
                        .isEqualTo(3 * 400 - 50 + 3);
                Attackers.roundTrip(innocent, "live/innocent", "after");

                // An empty retained payload deletes [MQTT-3.3.1-6], which frees room for one more.
                // Which 50 were stored depends on how the flooders' sockets interleaved: delete one that was.
                String stored = broker.broker().router().retained().match("flood/#").get(0).topic();
                assertThat(Attackers.publishQos1(flooders[0], stored, new byte[0], true)).isLessThan(0x80);
                assertThat(Attackers.publishQos1(innocent, "status/innocent", bytes("online"), true))
                        .isLessThan(0x80);
                assertThat(Attackers.publishQos1(innocent, "status/other", bytes("online"), true))
                        .isEqualTo(QUOTA_EXCEEDED);
            } finally {
                for (RawMqttClient f : flooders) {
                    f.close();
                }
            }
        }
    }

    @Test
    void retainedBytesInTotalAreBounded() throws Exception {
        try (TestBroker broker = start(0, 4096, 0, 0);
             RawMqttClient a = Attackers.connected(broker, MqttVersion.MQTT_5, "big-a");
             RawMqttClient b = Attackers.connected(broker, MqttVersion.MQTT_5, "big-b")) {
            for (int i = 0; i < 3; i++) {
                assertThat(Attackers.publishQos1(a, "big/" + i, new byte[1000], true)).isLessThan(0x80);
            }
            assertThat(Attackers.publishQos1(b, "big/3", new byte[2000], true)).isEqualTo(QUOTA_EXCEEDED);
            assertThat(Attackers.publishQos1(b, "big/3", new byte[500], true)).isLessThan(0x80);
            int http = Attackers.httpPort(broker);
            assertThat(MetricsScrape.value(http, "fleetmq_retained_bytes", "")).isLessThanOrEqualTo(4096.0)
                    .isEqualTo(3 * (1000 + 5) + 500 + 5);
            assertThat(MetricsScrape.value(http, "fleetmq_limit_refusals_total", "limit=\"retained_bytes\""))
                    .isEqualTo(1.0);
            // A live (not retained) message of the same size is not affected: the bound is on what is stored.
            b.subscribe("big/live", MqttQoS.AT_MOST_ONCE);
            assertThat(Attackers.publishQos1(a, "big/live", new byte[2000], false)).isLessThan(0x80);
            assertThat(Attackers.topicsReceived(b, QUIET)).containsExactly("big/live");
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
