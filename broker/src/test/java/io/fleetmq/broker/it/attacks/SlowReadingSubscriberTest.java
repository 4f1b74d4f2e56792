package io.fleetmq.broker.it.attacks;

import io.fleetmq.broker.config.SessionsConfig;
import io.fleetmq.broker.config.SysConfig;
import io.fleetmq.broker.session.Session;
import io.fleetmq.broker.testing.RawMqttClient;
import io.fleetmq.broker.testing.TestBroker;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The other side of the outbound bound: a subscriber that reads slowly (here: stops reading for a while, then reads
 * everything) must not lose QoS 1 messages that were acknowledged to their publisher. While what waits for it is at
 * {@code limits.maxOutboundBytesPerClient}, its session keeps the messages in its queue; once it reads again, every
 * message arrives, in order, and nothing is dropped or disconnected.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SlowReadingSubscriberTest {
    private static final int MESSAGES = 2_000;
    private static final int PAYLOAD = 4 * 1024;

    @Test
    void qos1ForAPausedReaderWaitsInItsSessionAndAllArrivesInOrderWhenItReadsAgain() throws Exception {
        try (TestBroker broker = TestBroker.start(c -> c.withSys(new SysConfig(false, Duration.ofSeconds(10)))
                // An inflight window as large as the protocol allows: only the outbound byte bound holds messages back.
                .withSessions(new SessionsConfig(3600, 65_535, 10_000, false))
                .withLimits(c.limits().withOutbound(64 * 1024, Duration.ZERO)));
             RawMqttClient publisher = Attackers.connected(broker, MqttVersion.MQTT_3_1_1, "steady-pub")) {
            RawSocketClient reader = RawSocketClient.open(broker.port(), 8 * 1024);
            assertThat(reader.connect("pausing-reader", false)).isZero();
            assertThat(reader.subscribe("steady/#", 1)).isEqualTo(1);

            // The reader does not read while all messages are published (each acknowledged to the publisher).
            for (int i = 0; i < MESSAGES; i++) {
                byte[] payload = ByteBuffer.allocate(PAYLOAD).putInt(i).array();
                publisher.publish("steady/x", payload, MqttQoS.AT_LEAST_ONCE, false);
            }
            publisher.publishAndAwaitAck("steady/x", "last", MqttQoS.AT_LEAST_ONCE, false);
            Session session = broker.broker().sessions().store().get("pausing-reader");
            assertThat(session.queuedCount()).as("messages held back in the session queue, not in the outbox")
                    .isPositive();
            assertThat(session.inflightCount() + session.queuedCount()).isEqualTo(MESSAGES + 1);

            // Now it reads and acknowledges: every message, in publish order [MQTT-4.6.0-6].
            for (int i = 0; i < MESSAGES; i++) {
                RawSocketClient.Publish p = reader.readPublish();
                assertThat(ByteBuffer.wrap(p.payload()).getInt()).as("message %d in order", i).isEqualTo(i);
                reader.puback(p.packetId());
            }
            assertThat(new String(reader.readPublish().payload(), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo("last");
            assertThat(broker.broker().stats().messagesDropped()).isZero();
            assertThat(publisher.isOpen()).isTrue();
            reader.close();
        }
    }
}
