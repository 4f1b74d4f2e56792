package io.fleetmq.broker.jmh;

import io.fleetmq.broker.metrics.BrokerMetrics;
import io.fleetmq.broker.metrics.BrokerStats;
import io.fleetmq.broker.metrics.DropReason;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What metrics cost per message on the hot path: the counters a PUBLISH bumps ({@link BrokerStats#received},
 * {@link BrokerStats#sent}), a drop, and the delivery-latency histogram (a Micrometer timer in the real registry).
 * Two threads, as two event loops would. Run with {@code bench/scripts/jmh.sh Stats}; run with {@code -prof gc} to
 * see that nothing allocates.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@Threads(2)
@State(Scope.Benchmark)
public class StatsBenchmark {
    private BrokerMetrics metrics;
    private BrokerStats stats;

    @Setup
    public void setUp() {
        metrics = BrokerMetrics.create("jmh");
        stats = metrics.stats();
    }

    @TearDown
    public void tearDown() {
        metrics.close();
    }

    @Benchmark
    public void receivedAndSent() {
        stats.received(1);
        stats.sent(1);
    }

    @Benchmark
    public void dropped() {
        stats.dropped(DropReason.QUEUE_FULL, 1);
    }

    @Benchmark
    public void deliveryLatency() {
        stats.deliveryLatency(1_500_000);
    }
}
