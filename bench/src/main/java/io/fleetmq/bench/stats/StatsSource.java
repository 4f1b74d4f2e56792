package io.fleetmq.bench.stats;

import org.HdrHistogram.Histogram;

/** Where progress lines and the report get their numbers: this process's clients, or the sum of its workers. */
public interface StatsSource {
    Snapshot snapshot();

    /** Every latency recorded so far, in microseconds. */
    Histogram latencies();
}
