package io.fleetmq.broker.cluster;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attack on limits.maxSubscriptionsPerClient across a cluster: fill the bound on one node, then reconnect through
 * another node, which takes the session over with its subscriptions, and subscribe again. The subscriptions the
 * handed-over session brought count: the next new filter gets SUBACK 0x97 Quota exceeded there too.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HandedOverSubscriptionLimitTest {
    @TempDir
    Path logs;

    @Test
    void aSessionHandedToAnotherNodeKeepsCountingTheSubscriptionsItBrought() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(2, logs, "limits.maxSubscriptionsPerClient=3")) {
            Mqtt5BlockingClient first = client(cluster.node(0).port());
            first.connectWith().cleanStart(true).sessionExpiryInterval(3600).send();
            for (int i = 1; i <= 3; i++) {
                assertThat(subscribe(first, "held/" + i)).isEqualTo(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
            }
            assertThat(subscribe(first, "held/4")).isEqualTo(Mqtt5SubAckReasonCode.QUOTA_EXCEEDED);
            first.disconnect();

            Mqtt5BlockingClient again = client(cluster.node(1).port());
            assertThat(again.connectWith().cleanStart(false).sessionExpiryInterval(3600).send().isSessionPresent())
                    .as("the session moved to node-2").isTrue();
            assertThat(subscribe(again, "held/5")).as("the moved session is still full")
                    .isEqualTo(Mqtt5SubAckReasonCode.QUOTA_EXCEEDED);
            assertThat(subscribe(again, "held/1")).as("replacing a held filter is allowed")
                    .isEqualTo(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
            again.disconnect();
        }
    }

    private static Mqtt5BlockingClient client(int port) {
        return Mqtt5Client.builder().identifier("mover").serverHost("127.0.0.1").serverPort(port).buildBlocking();
    }

    private static Mqtt5SubAckReasonCode subscribe(Mqtt5BlockingClient c, String filter) {
        try {
            return c.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send().getReasonCodes().get(0);
        } catch (Mqtt5SubAckException e) {
            return e.getMqttMessage().getReasonCodes().get(0);
        }
    }
}
