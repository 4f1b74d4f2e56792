package io.fleetmq.broker.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The recording leak detector really sees a buffer that is never released. */
class LeakDetectionTest {

    @Test
    void recordsABufferThatIsGarbageCollectedWithoutRelease() throws InterruptedException {
        LeakDetection.install();
        LeakDetection.assertNoLeaks(); // start clean; fails here if an earlier test leaked
        ResourceLeakDetector.Level previous = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        try {
            leakOneBuffer();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (LeakDetection.recordedLeaks().isEmpty() && System.nanoTime() < deadline) {
                LeakDetection.collectLeaks();
            }
            assertThat(LeakDetection.recordedLeaks())
                    .anySatisfy(leak -> assertThat(leak).contains("LEAK").contains("leakOneBuffer"));
        } finally {
            ResourceLeakDetector.setLevel(previous);
            LeakDetection.clear(); // the leak was deliberate: keep the run green
        }
    }

    private static void leakOneBuffer() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.buffer(64);
        leaked.writeLong(42);
        // no release
    }
}
