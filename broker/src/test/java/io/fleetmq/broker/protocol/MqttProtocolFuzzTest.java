package io.fleetmq.broker.protocol;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.fleetmq.broker.testing.LeakDetection;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.AfterAll;

/**
 * Bytes from a hostile client, through the production pipeline (Netty's {@code MqttDecoder} with the broker's limits,
 * the encoder and {@link MqttChannelHandler}, over an {@code EmbeddedChannel} as {@link EmbeddedBroker} wires it):
 * whatever arrives, no exception escapes the pipeline, everything the broker writes back is a well-formed MQTT packet
 * (the client-side decoder in {@link EmbeddedBroker.Client#received()} checks), and no buffer leaks (Netty leak
 * detection PARANOID, asserted by {@link LeakDetection} after the class, and every few thousand inputs while
 * fuzzing).
 * <p>
 * The first byte picks the starting point: from the first byte of the connection (CONNECT parsing), or after a
 * valid CONNECT (PUBLISH, SUBSCRIBE, acks, AUTH, DISCONNECT on a live session). The rest is fed in chunks of
 * fuzzer-chosen sizes, as TCP would split it. v3.1.1 and v5 have a target each.
 */
class MqttProtocolFuzzTest {
    private static final int INPUTS_PER_BROKER = 5_000;

    private static EmbeddedBroker broker;
    private static int inputs;

    @FuzzTest(maxDuration = "3m")
    void v311ConnectionSurvivesAnyBytes(FuzzedDataProvider data) {
        feed(MqttVersion.MQTT_3_1_1, data);
    }

    @FuzzTest(maxDuration = "3m")
    void v5ConnectionSurvivesAnyBytes(FuzzedDataProvider data) {
        feed(MqttVersion.MQTT_5, data);
    }

    private static void feed(MqttVersion version, FuzzedDataProvider data) {
        if (broker == null || ++inputs % INPUTS_PER_BROKER == 0) {
            // A fresh broker now and then: sessions the fuzzer opened do not pile up over a long run.
            closeBroker();
            LeakDetection.assertNoLeaks();
            broker = EmbeddedBroker.defaults();
        }
        EmbeddedBroker.Client client = broker.client(version);
        try {
            if (data.consumeBoolean()) {
                client.connectOk("fuzz-" + version.protocolLevel());
            }
            while (data.remainingBytes() > 0 && client.isOpen()) {
                int chunk = data.consumeInt(1, 512);
                client.sendRaw(data.consumeBytes(chunk));
                client.received(); // throws AssertionError if the broker wrote anything undecodable
            }
            client.channel.runPendingTasks();
        } finally {
            client.close();
        }
    }

    @AfterAll
    static void closeBroker() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }
}
