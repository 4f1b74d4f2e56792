package io.fleetmq.broker.it.attacks;

import io.fleetmq.broker.metrics.LimitReason;
import io.fleetmq.broker.testing.RawMqttClient;
import io.fleetmq.broker.testing.TestBroker;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static io.fleetmq.broker.it.attacks.Attackers.QUOTA_EXCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attack: every subscription costs the node memory in the topic tree and time on every matching PUBLISH, so a client
 * subscribing to ever new filters (in many SUBSCRIBE packets, in one packet with many filters, or across reconnects
 * of a persistent session) wears the node down. Expected: {@code limits.maxSubscriptionsPerClient} holds however the
 * subscriptions were made; filters beyond get SUBACK 0x97 Quota exceeded (v3.1.1: 0x80 Failure), counted in
 * {@code fleetmq_limit_refusals_total{limit="subscriptions"}}; the client stays connected and other clients subscribe
 * and receive as usual.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SubscriptionFloodTest {
    private static final int MAX = 5;

    private static TestBroker start() {
        return TestBroker.start(c -> c.withLimits(c.limits().withSubscriptionsAndLevels(MAX,
                c.limits().maxTopicLevels())));
    }

    @Test
    void filtersPastTheBoundInOneSubscribePacketAreRefusedOneByOne() throws Exception {
        try (TestBroker broker = start();
             RawMqttClient attacker = Attackers.connected(broker, MqttVersion.MQTT_5, "many-filters")) {
            MqttMessageBuilders.SubscribeBuilder b = MqttMessageBuilders.subscribe().messageId(7);
            for (int i = 0; i < MAX + 3; i++) {
                b.addSubscription(MqttQoS.AT_LEAST_ONCE, "one/" + i);
            }
            attacker.send(b.build());
            MqttSubAckMessage ack = attacker.awaitPacket(MqttMessageType.SUBACK, 7, RawMqttClient.DEFAULT_TIMEOUT);
            assertThat(ack.payload().reasonCodes()).containsExactly(1, 1, 1, 1, 1,
                    QUOTA_EXCEEDED, QUOTA_EXCEEDED, QUOTA_EXCEEDED);
            assertThat(MetricsScrape.value(Attackers.httpPort(broker), "fleetmq_limit_refusals_total",
                    "limit=\"subscriptions\"")).isEqualTo(3.0);
            assertThat(attacker.isOpen()).isTrue();
        }
    }

    @Test
    void aResumedSessionKeepsCountingTheSubscriptionsItAlreadyHolds() {
        MqttProperties persistent = new MqttProperties();
        persistent.add(new MqttProperties.IntegerProperty(MqttPropertyType.SESSION_EXPIRY_INTERVAL.value(), 300));
        try (TestBroker broker = start()) {
            try (RawMqttClient first = RawMqttClient.open(broker)) {
                first.connect("resumer", MqttVersion.MQTT_5, true, 60, persistent);
                for (int i = 0; i < MAX; i++) {
                    assertThat(Attackers.subscribe(first, "kept/" + i)).isEqualTo(1);
                }
                first.disconnect();
            }
            try (RawMqttClient again = RawMqttClient.open(broker)) {
                assertThat(again.connect("resumer", MqttVersion.MQTT_5, false, 60, persistent)
                        .variableHeader().isSessionPresent()).isTrue();
                assertThat(Attackers.subscribe(again, "kept/new")).as("the resumed session is full")
                        .isEqualTo(QUOTA_EXCEEDED);
                assertThat(Attackers.subscribe(again, "kept/0")).as("replacing a held filter is allowed")
                        .isEqualTo(1);
                again.unsubscribe("kept/1");
                assertThat(Attackers.subscribe(again, "kept/new")).as("room after UNSUBSCRIBE").isEqualTo(1);
            }
            assertThat(broker.broker().router().registry().subscriptionsOf("resumer")).hasSize(MAX);
        }
    }

    @Test
    void aSubscribeFloodIsBoundedWhileOtherClientsAreServed() throws Exception {
        try (TestBroker broker = start();
             RawMqttClient attacker = Attackers.connected(broker, MqttVersion.MQTT_3_1_1, "sub-flooder");
             RawMqttClient innocent = Attackers.connected(broker, MqttVersion.MQTT_5, "innocent")) {
            // 2,000 SUBSCRIBE packets on new filters without waiting for their SUBACKs.
            for (int i = 0; i < 2_000; i++) {
                attacker.send(MqttMessageBuilders.subscribe().messageId(i + 1)
                        .addSubscription(MqttQoS.AT_MOST_ONCE, "flood/" + i).build());
            }
            MqttSubAckMessage last = attacker.awaitPacket(MqttMessageType.SUBACK, 2_000,
                    RawMqttClient.DEFAULT_TIMEOUT);
            assertThat(last.payload().reasonCodes()).as("v3.1.1 refusal").containsExactly(0x80);
            assertThat(broker.broker().router().registry().subscriptionsOf("sub-flooder")).hasSize(MAX);
            assertThat(broker.broker().stats().limitCounter(LimitReason.SUBSCRIPTIONS).sum()).isEqualTo(2_000 - MAX);

            for (int i = 0; i < MAX; i++) {
                assertThat(Attackers.subscribe(innocent, "innocent/" + i)).isEqualTo(1);
            }
            Attackers.roundTrip(innocent, "innocent/0", "still served");
            assertThat(attacker.isOpen()).as("refused, not disconnected").isTrue();
            assertThat(MetricsScrape.value(Attackers.httpPort(broker), "fleetmq_subscriptions", ""))
                    .isEqualTo(2.0 * MAX);
        }
    }
}
