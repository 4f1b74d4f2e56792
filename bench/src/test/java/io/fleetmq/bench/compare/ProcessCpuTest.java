package io.fleetmq.bench.compare;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** Broker CPU comes from /proc/PID/stat: utime + stime, counted from the end of the command name. */
class ProcessCpuTest {
    @Test
    void readsUtimePlusStimeEvenWhenTheCommandNameHoldsSpacesAndParentheses() {
        // fields: pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        String stat = "4242 (java) x (1)) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 567 0 0 20 0 40 0 99 0";
        assertThat(ProcessCpu.parseTicks(stat)).isEqualTo(1234 + 567);
    }

    @Test
    void cpuOfThisProcessGrowsWhileItWorks() throws IOException {
        long pid = ProcessHandle.current().pid();
        long before = ProcessCpu.millis(pid);
        long end = System.nanoTime() + 300_000_000L;
        long x = 0;
        while (System.nanoTime() < end) {
            x += Long.numberOfTrailingZeros(x + System.nanoTime());
        }
        assertThat(x).isNotNegative();
        // 300 ms of wall time spinning is at least 10 ms (one tick) of CPU even on a crowded machine
        assertThat(ProcessCpu.millis(pid)).isGreaterThan(before);
    }
}
