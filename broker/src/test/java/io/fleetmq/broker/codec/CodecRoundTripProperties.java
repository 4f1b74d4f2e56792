package io.fleetmq.broker.codec;

import io.fleetmq.broker.codec.MqttArbitraries.Gen;
import io.fleetmq.broker.testing.LeakDetection;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every packet type encoded by Netty's MqttEncoder decodes back to the same fields with MqttDecoder, for MQTT 3.1.1
 * and 5, whether the bytes arrive at once or split into arbitrary chunks.
 */
class CodecRoundTripProperties {

    @BeforeContainer
    static void installLeakDetection() {
        LeakDetection.install();
    }

    @AfterContainer
    static void noBufferLeaked() {
        LeakDetection.assertNoLeaks();
    }

    @Provide
    Arbitrary<MqttVersion> versions() {
        return Arbitraries.of(MqttVersion.MQTT_3_1_1, MqttVersion.MQTT_5);
    }

    @Provide
    Arbitrary<Scenario> singlePackets() {
        return versions().flatMap(v -> MqttArbitraries.anyMessage(v)
                .flatMap(g -> splits().map(s -> new Scenario(v, List.of(g), s))));
    }

    /** A CONNECT followed by other packets, decoded without presetting the version: the CONNECT sets it. */
    @Provide
    Arbitrary<Scenario> sessions() {
        return versions().flatMap(v -> MqttArbitraries.connect(v).flatMap(connect ->
                MqttArbitraries.anyMessage(v).list().ofMinSize(1).ofMaxSize(6).flatMap(rest ->
                        splits().map(s -> {
                            List<Gen> all = new ArrayList<>();
                            all.add(connect);
                            all.addAll(rest);
                            return new Scenario(v, all, s);
                        }))));
    }

    /** Cut positions as fractions of the stream (per mille). */
    static Arbitrary<List<Integer>> splits() {
        return Arbitraries.integers().between(0, 1000).list().ofMaxSize(6);
    }

    record Scenario(MqttVersion version, List<Gen> packets, List<Integer> cutsPerMille) {
    }

    @Property(tries = 400)
    void singlePacketSurvivesEncodeDecodeWhateverTheChunking(@ForAll("singlePackets") Scenario scenario) {
        roundTrip(scenario, true);
    }

    @Property(tries = 200)
    void connectSetsTheVersionForTheRestOfTheStream(@ForAll("sessions") Scenario scenario) {
        roundTrip(scenario, false);
    }

    private static void roundTrip(Scenario scenario, boolean presetVersion) {
        MqttVersion v = scenario.version();
        List<String> expected = new ArrayList<>();
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (Gen gen : scenario.packets()) {
            MqttMessage original = gen.create();
            expected.add(MqttMessageDescriber.describe(original, v));
            io.netty.util.ReferenceCountUtil.release(original);
            stream.writeBytes(CodecHarness.encode(gen.create(), v));
        }
        byte[] bytes = stream.toByteArray();
        List<MqttMessage> decoded = CodecHarness.decode(presetVersion ? v : null, CodecHarness.DEFAULT_MAX,
                chunk(bytes, scenario.cutsPerMille()));
        try {
            List<String> actual = new ArrayList<>();
            for (MqttMessage m : decoded) {
                assertThat(m.decoderResult().isSuccess())
                        .as("decoder result %s", m.decoderResult()).isTrue();
                actual.add(MqttMessageDescriber.describe(m, v));
            }
            assertThat(actual).containsExactlyElementsOf(expected);
        } finally {
            CodecHarness.releaseAll(decoded);
        }
    }

    static List<byte[]> chunk(byte[] bytes, List<Integer> cutsPerMille) {
        TreeSet<Integer> cuts = new TreeSet<>();
        for (int c : cutsPerMille) {
            cuts.add((int) ((long) bytes.length * c / 1000));
        }
        List<byte[]> chunks = new ArrayList<>();
        int from = 0;
        for (int cut : cuts) {
            if (cut > from && cut < bytes.length) {
                chunks.add(java.util.Arrays.copyOfRange(bytes, from, cut));
                from = cut;
            }
        }
        chunks.add(java.util.Arrays.copyOfRange(bytes, from, bytes.length));
        return chunks;
    }
}
