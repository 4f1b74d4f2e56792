package io.fleetmq.broker.it.attacks;

import io.fleetmq.broker.testing.BrokerJvm;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attack: a subscriber that subscribes and then never reads its socket, while a publisher floods its topic at full
 * speed. Everything the broker cannot write would pile up in the node's memory; with publisher, stuck subscriber and
 * an innocent client on one event loop (one io thread), a write path that ignores the socket's writability fills
 * direct memory until the node fails with OutOfMemoryError and drops the innocent client too.
 * <p>
 * The broker runs as a child JVM with a 96 MB direct-memory cap, and the flood aims more than twice that at the stuck
 * subscriber. Expected: the node stays up and never runs out of memory, the innocent client's round trips keep
 * working throughout, and the stuck subscriber is disconnected after {@code limits.slowConsumerTimeout} and counted
 * as {@code fleetmq_connections_closed_total{reason="slow_consumer"}}.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class NeverReadingSubscriberTest {
    private static final long DIRECT_MEMORY_CAP = 96L * 1024 * 1024;
    private static final int PAYLOAD = 16 * 1024;

    @Test
    void aSubscriberThatNeverReadsIsDisconnectedWhileTheNodeAndOtherClientsCarryOn() throws Exception {
        try (BrokerJvm broker = BrokerJvm.start(
                List.of("-XX:MaxDirectMemorySize=96m", "-Xmx256m", BrokerJvm.mainLogbackOption()),
                "transport.ioThreads=1", "limits.slowConsumerTimeout=3s", "sys.enabled=false")) {
            int port = broker.awaitPort();
            int http = broker.awaitHttpPort();

            BlockingQueue<String> echoes = new LinkedBlockingQueue<>();
            AtomicInteger innocentLost = new AtomicInteger();
            MqttClient innocent = innocent(port, echoes, innocentLost);

            RawSocketClient stuck = RawSocketClient.open(port, 8 * 1024);
            assertThat(stuck.connect("stuck")).isZero();
            assertThat(stuck.subscribe("flood/#", 0)).isZero();
            // From here on the stuck subscriber never reads.

            RawSocketClient flooder = RawSocketClient.open(port, 0);
            assertThat(flooder.connect("flooder")).isZero();
            byte[] publish = RawSocketClient.qos0Publish("flood/x", new byte[PAYLOAD]);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong flooded = new AtomicLong();
            Thread flood = new Thread(() -> {
                try {
                    // Bounded: at most 8 x the cap, and only until the test has seen enough.
                    while (!stop.get() && flooded.get() < 8 * DIRECT_MEMORY_CAP) {
                        flooder.write(publish);
                        flooded.addAndGet(publish.length);
                    }
                } catch (Exception e) {
                    stop.set(true);
                }
            }, "flooder");
            flood.start();

            long start = System.nanoTime();
            long deadline = start + TimeUnit.SECONDS.toNanos(100);
            int roundTrips = 0;
            double slowConsumers = 0;
            try {
                // Round trips through the shared event loop all along, until the flood passed twice the direct
                // memory cap and the stuck subscriber was disconnected, for 5 s at least.
                while (System.nanoTime() < deadline && (flooded.get() < 2 * DIRECT_MEMORY_CAP || slowConsumers == 0
                        || System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5))) {
                    String payload = "m" + roundTrips;
                    innocent.publish("innocent/echo", payload.getBytes(StandardCharsets.UTF_8), 1, false);
                    assertThat(echoes.poll(10, TimeUnit.SECONDS)).as("innocent round trip %d", roundTrips)
                            .isEqualTo(payload);
                    roundTrips++;
                    if (roundTrips % 10 == 0) {
                        slowConsumers = MetricsScrape.value(http, "fleetmq_connections_closed_total",
                                "reason=\"slow_consumer\"");
                    }
                }
            } finally {
                stop.set(true);
                flood.join(10_000);
            }

            assertThat(flooded.get()).as("bytes aimed at the stuck subscriber").isGreaterThan(2 * DIRECT_MEMORY_CAP);
            assertThat(slowConsumers).as("stuck subscriber disconnected and counted").isEqualTo(1.0);
            assertThat(MetricsScrape.value(http, "fleetmq_messages_dropped_total", "reason=\"slow_consumer\""))
                    .as("QoS 0 beyond the outbound bound dropped and counted").isPositive();
            assertThat(stuck.readUntilClosed()).as("the broker closed the stuck subscriber's socket").isTrue();
            assertThat(innocentLost.get()).as("innocent client never lost its connection").isZero();
            assertThat(innocent.isConnected()).isTrue();
            assertThat(broker.isAlive()).isTrue();
            assertThat(broker.lines()).noneMatch(l -> l.contains("OutOfMemoryError")
                    || l.contains("OutOfDirectMemoryError"));
            assertThat(broker.lines()).anyMatch(l -> l.contains("client=stuck") && l.contains("slowConsumerTimeout"));
            innocent.disconnect();
            innocent.close();
            flooder.close();
            stuck.close();
        }
    }

    private static MqttClient innocent(int port, BlockingQueue<String> echoes, AtomicInteger lost) throws Exception {
        MqttClient c = new MqttClient("tcp://127.0.0.1:" + port, "innocent", new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setAutomaticReconnect(false);
        o.setConnectionTimeout(10);
        c.setTimeToWait(10_000);
        c.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                lost.incrementAndGet();
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                echoes.add(new String(message.getPayload(), StandardCharsets.UTF_8));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        c.connect(o);
        c.subscribe("innocent/echo", 1);
        return c;
    }
}
