package io.fleetmq.bench.workers;

import io.fleetmq.bench.run.Driver;
import io.fleetmq.bench.stats.Snapshot;
import io.fleetmq.bench.stats.StatsSource;
import org.HdrHistogram.Histogram;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code --workers N}: this process launches N child JVMs of itself (same java, same class path), each running a
 * slice of the clients with {@code --worker-child}, and sums what they report (see {@link StatLine}). Each child
 * has its own open-files limit, which is what lets one run pass 20,000 connections.
 */
public final class WorkerPool implements Driver, StatsSource {
    private final List<List<String>> childArgs;
    private final PrintWriter err;
    private final List<Process> processes = new ArrayList<>();
    private final List<Thread> readers = new ArrayList<>();
    private final Snapshot[] latest;
    private final Histogram[] finals;

    /** @param childArgs the command-line arguments of each child, after the main class */
    public WorkerPool(List<List<String>> childArgs, PrintWriter err) {
        this.childArgs = List.copyOf(childArgs);
        this.err = err;
        this.latest = new Snapshot[childArgs.size()];
        this.finals = new Histogram[childArgs.size()];
        java.util.Arrays.fill(latest, Snapshot.EMPTY);
    }

    /** The command that starts one child: this JVM's java, memory/JIT options and class path, then the CLI class. */
    static List<String> javaCommand(String mainClass) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-Xm") || a.startsWith("-Xss") || a.startsWith("-XX:") || a.startsWith("-Dio.netty.")) {
                cmd.add(a);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        return cmd;
    }

    @Override
    public StatsSource stats() {
        return this;
    }

    @Override
    public void start() {
        for (int k = 0; k < childArgs.size(); k++) {
            List<String> cmd = javaCommand("io.fleetmq.bench.cli.BenchCli");
            cmd.addAll(childArgs.get(k));
            try {
                Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                processes.add(p);
                int index = k;
                Thread t = new Thread(() -> read(index, p), "bench-worker-" + k + "-reader");
                t.setDaemon(true);
                t.start();
                readers.add(t);
            } catch (IOException e) {
                throw new IllegalStateException("cannot start worker " + k + ": " + e.getMessage(), e);
            }
        }
    }

    private void read(int index, Process p) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    StatLine.Parsed parsed = StatLine.decode(line);
                    synchronized (this) {
                        latest[index] = parsed.snapshot();
                        if (parsed.isFinal()) {
                            finals[index] = parsed.histogram();
                        }
                    }
                } catch (IllegalArgumentException e) {
                    err.println("worker " + index + ": " + line);
                    err.flush();
                }
            }
        } catch (IOException e) {
            // the child is gone; its exit code tells the rest
        }
    }

    @Override
    public synchronized Snapshot snapshot() {
        Snapshot sum = Snapshot.EMPTY;
        for (Snapshot s : latest) {
            sum = sum.plus(s);
        }
        return sum;
    }

    /** The merged latency histograms of the workers that have finished (all of them after {@link #stop()}). */
    @Override
    public synchronized Histogram latencies() {
        Histogram all = new Histogram(3);
        for (Histogram h : finals) {
            if (h != null) {
                all.add(h);
            }
        }
        return all;
    }

    /** Every worker has exited (each exits on its own once a pub run with {@code -L} is done). */
    @Override
    public boolean finished() {
        return !processes.isEmpty() && processes.stream().noneMatch(Process::isAlive);
    }

    @Override
    public void stop() {
        for (Process p : processes) {
            try (Writer w = new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
                w.write(StatLine.STOP + "\n");
            } catch (IOException e) {
                // already exited
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (Process p : processes) {
            try {
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    err.println("bench: worker pid " + p.pid() + " did not stop in 30 s; killing it");
                    err.flush();
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
        for (Thread t : readers) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Number of workers that exited with a non-zero code or sent no final line. */
    public synchronized int failedWorkers() {
        int failed = 0;
        for (int k = 0; k < processes.size(); k++) {
            Process p = processes.get(k);
            if (p.isAlive() || p.exitValue() != 0 || finals[k] == null) {
                failed++;
            }
        }
        return failed;
    }
}
