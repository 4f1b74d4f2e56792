package io.fleetmq.bench.run;

import io.fleetmq.bench.stats.StatsSource;

/** Runs the clients of a benchmark: in this process ({@link LocalRun}) or in worker processes. */
public interface Driver {
    StatsSource stats();

    /** Starts connecting; returns at once. */
    void start();

    /** True once the run has finished on its own (pub with {@code -L}: every message sent and completed). */
    boolean finished();

    /** Disconnects every client and releases threads; blocks for at most a few seconds. */
    void stop();
}
