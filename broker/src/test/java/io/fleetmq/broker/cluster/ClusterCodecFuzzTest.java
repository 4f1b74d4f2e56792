package io.fleetmq.broker.cluster;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.util.ArrayList;
import java.util.List;

/**
 * A cluster batch is bytes from another process on the network: whatever they are, {@link ClusterCodec#decode}
 * either hands over frames or throws {@link ClusterCodec.UnreadableBatchException} — never another exception, never
 * an allocation the batch's own length does not justify, never a hang. Every frame it returns encodes again.
 * <p>
 * In a normal build this runs the committed inputs under
 * {@code src/test/resources/io/fleetmq/broker/cluster/ClusterCodecFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes
 * (docs/security.md, "Fuzzing").
 */
class ClusterCodecFuzzTest {
    private static final long NOW = 90_000_000_000L;

    @FuzzTest(maxDuration = "3m")
    void anyBatchDecodesOrIsRefusedAsUnreadable(byte[] batch) {
        List<ClusterFrame> frames = new ArrayList<>();
        try {
            ClusterCodec.decode(batch, 0, batch.length, NOW, frames::add);
        } catch (ClusterCodec.UnreadableBatchException expected) {
            return; // the peer is told nothing; the batch is dropped and logged by the receiver
        }
        ClusterCodec.BatchWriter again = new ClusterCodec.BatchWriter(NOW);
        frames.forEach(again::add);
        again.toByteArray();
    }
}
