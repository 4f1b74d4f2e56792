package io.fleetmq.bench.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetmq.bench.report.BenchReport;
import io.fleetmq.bench.run.BenchPlan;
import io.fleetmq.bench.run.BenchSession;
import io.fleetmq.bench.run.LocalRun;
import io.fleetmq.bench.run.Mode;
import io.fleetmq.bench.run.StopSignal;
import io.fleetmq.bench.stats.ProgressPrinter;
import io.fleetmq.bench.stats.Snapshot;
import io.fleetmq.bench.workers.StatLine;
import io.fleetmq.bench.workers.WorkerPool;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * What conn, sub and pub share: validate, build the {@link BenchPlan}, run it here or over {@code --workers}
 * processes, print progress and write the report. Subclasses add their mode's options.
 */
abstract class ModeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ParentCommand
    BenchCli parent;

    @Mixin
    ConnectionOptions conn;

    @Option(names = "--help", usageHelp = true, description = "Show this help.")
    boolean help;

    @Option(names = "--stacktrace", hidden = true, description = "Print stack traces of failures.")
    boolean stacktrace;

    /** Set by a parent for its workers: report on stdout as {@link StatLine}s, stop on "stop" from stdin. */
    @Option(names = "--worker-child", hidden = true)
    boolean workerChild;

    abstract Mode mode();

    /** Mode-specific checks beyond {@link ConnectionOptions#validate}. */
    void validateMode() {
    }

    String topic() {
        return null;
    }

    int qos() {
        return 0;
    }

    int payloadSize() {
        return 0;
    }

    long publishIntervalMs() {
        return 0;
    }

    long limit() {
        return 0;
    }

    int inflight() {
        return 0;
    }

    long expect() {
        return 0;
    }

    @Override
    public Integer call() {
        conn.validate(spec);
        validateMode();
        BenchPlan plan = new BenchPlan(mode(), conn.hosts, conn.port, conn.version, conn.count, conn.startNumber,
                conn.connectIntervalNanos(), topic(), qos(), payloadSize(), publishIntervalMs(), limit(), inflight(),
                conn.keepAlive, conn.clean, conn.sessionExpiry, conn.username, conn.password,
                conn.addresses(spec), conn.sslContext(spec), conn.durationSecs, expect(),
                conn.ioThreads > 0 ? conn.ioThreads : Runtime.getRuntime().availableProcessors(),
                conn.prefix != null ? conn.prefix : "bench_" + mode().label() + "_" + ProcessHandle.current().pid());
        if (workerChild) {
            return runAsWorker(plan);
        }
        return conn.workers > 1 ? runWithWorkers(plan) : runHere(plan);
    }

    private StopSignal stopSignal() {
        return parent != null ? parent.stopSignal() : new StopSignal();
    }

    private int runHere(BenchPlan plan) {
        LocalRun run = new LocalRun(plan);
        return finish(plan, BenchSession.run(run, plan.durationSecs(), plan.expect(),
                stopSignal(), printer(run.stats(), plan)), 1, 0);
    }

    private BenchSession.Ticker printer(io.fleetmq.bench.stats.StatsSource source, BenchPlan plan) {
        ProgressPrinter p = new ProgressPrinter(source, spec.commandLine().getOut(),
                plan.mode() == Mode.PUB && plan.qos() > 0, System.nanoTime());
        return p::tick;
    }

    private int runWithWorkers(BenchPlan plan) {
        // A slice with -L 0 would mean "unlimited", so every worker needs at least one message to send.
        ConnectionOptions.require(spec, mode() != Mode.PUB || plan.limit() == 0 || plan.limit() >= plan.count(),
                "-L/--limit with --workers must be 0 or at least -c/--count");
        List<String> original = spec.root().commandLine().getParseResult().originalArgs();
        int n = conn.workers;
        List<List<String>> childArgs = new ArrayList<>();
        int offset = 0;
        for (int k = 0; k < n; k++) {
            int clients = plan.count() / n + (k < plan.count() % n ? 1 : 0);
            long limit = 0;
            for (int i = offset; i < offset + clients && plan.limit() > 0; i++) {
                limit += plan.quotaFor(i);
            }
            List<String> a = new ArrayList<>(original);
            a.addAll(List.of("--worker-child", "--workers", "1",
                    "-c", Integer.toString(clients),
                    "-n", Long.toString(plan.startNumber() + offset),
                    "--prefix", plan.clientIdPrefix(),
                    "-i", Long.toString(conn.connectIntervalMs * n),
                    "-R", Long.toString(conn.connectRate == 0 ? 0 : Math.max(1, (conn.connectRate + n - 1) / n))));
            if (mode() == Mode.PUB) {
                a.addAll(List.of("-L", Long.toString(limit)));
            }
            if (mode() == Mode.SUB) {
                a.addAll(List.of("--expect", "0"));
            }
            childArgs.add(a);
            offset += clients;
        }
        WorkerPool pool = new WorkerPool(childArgs, spec.commandLine().getErr());
        BenchSession.Outcome outcome = BenchSession.run(pool, plan.durationSecs(), plan.expect(), stopSignal(),
                printer(pool, plan));
        return finish(plan, outcome, n, pool.failedWorkers());
    }

    private int runAsWorker(BenchPlan plan) {
        StopSignal stop = new StopSignal();
        Thread stdin = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (line.trim().equals(StatLine.STOP)) {
                        break;
                    }
                }
            } catch (IOException e) {
                // parent gone: stop as well
            }
            stop.request();
        }, "bench-worker-stdin");
        stdin.setDaemon(true);
        stdin.start();
        LocalRun run = new LocalRun(plan);
        PrintWriter out = spec.commandLine().getOut();
        BenchSession.Outcome o = BenchSession.run(run, plan.durationSecs(), 0, stop, (now, s) -> {
            out.println(StatLine.encode(run.stats().snapshot(), null));
            out.flush();
        });
        out.println(StatLine.encode(o.snapshot(), o.latencies()));
        out.flush();
        return o.snapshot().connFailed() > 0 ? BenchCli.FAILURE : BenchCli.OK;
    }

    private int finish(BenchPlan plan, BenchSession.Outcome o, int workers, int failedWorkers) {
        Snapshot s = o.snapshot();
        ObjectNode report = BenchReport.build(plan.mode().label(), conn.count, workers, plan.expect(),
                o.elapsedSeconds(), s, o.latencies());
        PrintWriter out = spec.commandLine().getOut();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "done in %.1fs: conn=%d conn_fail=%d", o.elapsedSeconds(), s.connected(), s.connFailed()));
        if (plan.mode() == Mode.SUB) {
            line.append(" sub=").append(s.subscribed()).append(" recv=").append(s.received());
            if (plan.expect() > 0) {
                line.append(" ratio=").append(report.get("receiveRatio").asText());
            }
            if (s.received() > 0) {
                var lat = report.get("latencyMs");
                line.append(" latency_ms p50=").append(lat.get("p50").asText()).append(" p99=")
                        .append(lat.get("p99").asText()).append(" max=").append(lat.get("max").asText());
            }
        } else if (plan.mode() == Mode.PUB) {
            line.append(" pub=").append(s.sent()).append(" pub_ack=").append(s.acked());
        }
        out.println(line);
        out.flush();
        if (conn.report != null) {
            try {
                BenchReport.write(report, conn.report);
                out.println("report written to " + conn.report);
                out.flush();
            } catch (IOException e) {
                spec.commandLine().getErr().println(spec.qualifiedName() + ": cannot write the report to "
                        + conn.report + ": " + Failures.describe(e));
                return BenchCli.FAILURE;
            }
        }
        if (failedWorkers > 0) {
            spec.commandLine().getErr().println(spec.qualifiedName() + ": " + failedWorkers
                    + " worker(s) failed; see their messages above");
        }
        return s.connFailed() > 0 || failedWorkers > 0 ? BenchCli.FAILURE : BenchCli.OK;
    }
}
