package io.fleetmq.broker.it.attacks;

import io.fleetmq.broker.config.SysConfig;
import io.fleetmq.broker.metrics.CloseReason;
import io.fleetmq.broker.testing.RawMqttClient;
import io.fleetmq.broker.testing.TestBroker;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attack: a client publishes QoS 1 as fast as it can and never reads the PUBACKs (nor the copies of its own messages
 * it subscribed to). Every PUBLISH it sends makes the broker write an acknowledgement it will never take, so without a
 * bound the acks pile up in the node's memory at the attacker's send rate; acknowledgements cannot be dropped like
 * QoS 0 copies. Expected: once what waits for this client passes {@code limits.maxOutboundBytesPerClient} the
 * broker stops reading its socket (TCP then slows the attacker down), the attacker is disconnected after
 * {@code limits.slowConsumerTimeout} and counted as {@code slow_consumer}, and another client is served throughout.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class NeverReadingPublisherTest {

    @Test
    void aPublisherThatNeverReadsItsAcksIsSlowedThenDisconnected() throws Exception {
        try (TestBroker broker = TestBroker.start(c -> c.withSys(new SysConfig(false, Duration.ofSeconds(10)))
                .withLimits(c.limits().withOutbound(64 * 1024, Duration.ofSeconds(2))));
             RawMqttClient innocent = Attackers.connected(broker, MqttVersion.MQTT_5, "innocent")) {
            innocent.subscribe("innocent/echo", MqttQoS.AT_MOST_ONCE);

            RawSocketClient attacker = RawSocketClient.open(broker.port(), 4 * 1024);
            assertThat(attacker.connect("ack-hoarder")).isZero();
            // It also subscribes to what it publishes, so its socket fills after a few thousand messages rather than
            // a million bare acks (the kernel's send buffer holds megabytes; this machine is shared).
            assertThat(attacker.subscribe("hoard/#", 0)).isZero();
            // 100 QoS 1 PUBLISHes of 1 KB per write: each one owes the attacker a PUBACK and a copy.
            ByteArrayOutputStream batch = new ByteArrayOutputStream();
            for (int id = 1; id <= 100; id++) {
                batch.writeBytes(RawSocketClient.qos1Publish("hoard/x", id, new byte[1024]));
            }
            byte[] packets = batch.toByteArray();
            AtomicLong sent = new AtomicLong();
            Thread flood = new Thread(() -> {
                try {
                    // Bounded: 200 MB at most; in practice the write blocks once the broker stops reading, and
                    // fails once the broker closes the connection.
                    while (sent.get() < 200L * 1024 * 1024) {
                        attacker.write(packets);
                        sent.addAndGet(packets.length);
                    }
                } catch (Exception closedByBroker) {
                    // expected
                }
            }, "ack-hoarder");
            flood.start();

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int i = 0;
            while (broker.broker().stats().connectionsClosed(CloseReason.SLOW_CONSUMER) == 0
                    && System.nanoTime() < deadline) {
                Attackers.roundTrip(innocent, "innocent/echo", "m" + i++);
            }
            Attackers.roundTrip(innocent, "innocent/echo", "after");
            flood.join(30_000);

            assertThat(broker.broker().stats().connectionsClosed(CloseReason.SLOW_CONSUMER)).isEqualTo(1);
            assertThat(flood.isAlive()).as("the attacker's connection was closed").isFalse();
            assertThat(sent.get()).as("the attacker was stopped long before its 200 MB")
                    .isLessThan(200L * 1024 * 1024);
            assertThat(innocent.isOpen()).isTrue();
            attacker.close();
        }
    }
}
