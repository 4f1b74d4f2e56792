package io.fleetmq.broker.it.attacks;

import io.fleetmq.broker.config.LimitsConfig;
import io.fleetmq.broker.testing.RawMqttClient;
import io.fleetmq.broker.testing.TestBroker;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
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
 * Attack: the subscription tree and the retained store hold one node per topic level, and matching walks them level by
 * level, so very deep topics cost memory and time far beyond their bytes (a 20 KB topic can have 10,000 levels).
 * Expected: {@code limits.maxTopicLevels} (128 by default) holds for PUBLISH topic names, SUBSCRIBE filters and will
 * topics alike: v5 gets 0x97 Quota exceeded (PUBACK, SUBACK, CONNACK), v3.1.1 SUBACK 0x80, an acknowledged but
 * dropped PUBLISH, and a closed connection for the will; counted as {@code limit="topic_levels"}; nothing stored.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TopicLevelsTest {

    private static String levels(int n) {
        return "l/".repeat(n - 1) + "l";
    }

    @Test
    void theDefaultBoundRefusesTenThousandLevelTopicsEverywhere() throws Exception {
        assertThat(LimitsConfig.defaults().maxTopicLevels()).isEqualTo(128);
        String deep = levels(10_000);
        try (TestBroker broker = TestBroker.start();
             RawMqttClient c = Attackers.connected(broker, MqttVersion.MQTT_5, "deep")) {
            assertThat(Attackers.subscribe(c, deep)).isEqualTo(QUOTA_EXCEEDED);
            assertThat(Attackers.subscribe(c, deep + "/#")).isEqualTo(QUOTA_EXCEEDED);
            assertThat(Attackers.publishQos1(c, deep, bytes("x"), true)).isEqualTo(QUOTA_EXCEEDED);
            assertThat(Attackers.subscribe(c, levels(128))).as("128 levels are fine").isEqualTo(1);
            assertThat(broker.broker().router().retained().match("l/#")).isEmpty();
            assertThat(MetricsScrape.value(Attackers.httpPort(broker), "fleetmq_limit_refusals_total",
                    "limit=\"topic_levels\"")).isEqualTo(3.0);
        }
    }

    @Test
    void publishAndSubscribePastTheLevelsAreRefusedForV5AndV3() {
        try (TestBroker broker = TestBroker.start(c -> c.withLimits(c.limits().withSubscriptionsAndLevels(
                c.limits().maxSubscriptionsPerClient(), 8)));
             RawMqttClient v5 = Attackers.connected(broker, MqttVersion.MQTT_5, "levels-5");
             RawMqttClient v3 = Attackers.connected(broker, MqttVersion.MQTT_3_1_1, "levels-3");
             RawMqttClient watcher = Attackers.connected(broker, MqttVersion.MQTT_5, "watcher")) {
            watcher.subscribe("#", MqttQoS.AT_MOST_ONCE);

            assertThat(Attackers.subscribe(v5, levels(9))).isEqualTo(QUOTA_EXCEEDED);
            assertThat(Attackers.subscribe(v3, levels(9))).isEqualTo(0x80);
            assertThat(Attackers.subscribe(v5, levels(8))).isEqualTo(1);

            assertThat(Attackers.publishQos1(v5, levels(9), bytes("deep-5"), false)).isEqualTo(QUOTA_EXCEEDED);
            assertThat(Attackers.publishQos1(v3, levels(9), bytes("deep-3"), false)).isZero();
            assertThat(Attackers.publishQos1(v3, levels(8), bytes("ok"), false)).isZero();
            assertThat(Attackers.topicsReceived(watcher, Duration.ofMillis(500)))
                    .as("only the message within the bound was routed").containsExactly(levels(8));
            assertThat(v5.isOpen()).isTrue();
            assertThat(v3.isOpen()).isTrue();
        }
    }

    @Test
    void aWillTopicPastTheLevelsRefusesTheConnect() {
        try (TestBroker broker = TestBroker.start(c -> c.withLimits(c.limits().withSubscriptionsAndLevels(
                c.limits().maxSubscriptionsPerClient(), 8)))) {
            try (RawMqttClient v5 = RawMqttClient.open(broker)) {
                MqttConnAckMessage ack = v5.connect(RawMqttClient.connectWithWill("will-5", MqttVersion.MQTT_5,
                        true, 60, levels(9), bytes("gone"), MqttQoS.AT_LEAST_ONCE, true, null));
                assertThat(ack.variableHeader().connectReturnCode().byteValue() & 0xFF).isEqualTo(QUOTA_EXCEEDED);
                assertThat(v5.awaitClosed(RawMqttClient.DEFAULT_TIMEOUT)).isTrue();
            }
            try (RawMqttClient v3 = RawMqttClient.open(broker)) {
                v3.send(RawMqttClient.connectWithWill("will-3", MqttVersion.MQTT_3_1_1, true, 60, levels(9),
                        bytes("gone"), MqttQoS.AT_LEAST_ONCE, true, null));
                assertThat(v3.awaitClosed(RawMqttClient.DEFAULT_TIMEOUT)).as("closed without CONNACK").isTrue();
            }
            try (RawMqttClient ok = RawMqttClient.open(broker)) {
                MqttConnAckMessage ack = ok.connect(RawMqttClient.connectWithWill("will-ok", MqttVersion.MQTT_5,
                        true, 60, levels(8), bytes("gone"), MqttQoS.AT_LEAST_ONCE, false, null));
                assertThat(ack.variableHeader().connectReturnCode().byteValue()).isZero();
            }
            assertThat(broker.broker().stats().limitCounter(io.fleetmq.broker.metrics.LimitReason.TOPIC_LEVELS)
                    .sum()).isEqualTo(2);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
