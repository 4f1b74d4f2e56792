package io.fleetmq.bench.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetmq.bench.cli.BenchCli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs {@code fleetmq bench ...} in this JVM and keeps its stdout, stderr and exit code. */
public final class Bench {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private volatile int exitCode = -1;

    public static Bench run(String... args) {
        Bench b = new Bench();
        b.exitCode = BenchCli.commandLine(new BenchCli(), args)
                .setOut(new PrintWriter(b.out, true))
                .setErr(new PrintWriter(b.err, true))
                .execute(args);
        return b;
    }

    /** Starts a run in the background; its output can be read while it runs. */
    public static Started start(String... args) {
        Bench b = new Bench();
        CompletableFuture<Bench> f = CompletableFuture.supplyAsync(() -> {
            b.exitCode = BenchCli.commandLine(new BenchCli(), args)
                    .setOut(new PrintWriter(b.out, true))
                    .setErr(new PrintWriter(b.err, true))
                    .execute(args);
            return b;
        });
        return new Started(b, f);
    }

    /** A background run: {@code live} fills up while it runs, {@code done} completes with it. */
    public record Started(Bench live, CompletableFuture<Bench> done) {
        /** Waits until stdout contains {@code text}. */
        public void awaitOutput(String text, long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (!live.out().contains(text)) {
                if (done.isDone() || System.nanoTime() > deadline) {
                    throw new AssertionError("no '" + text + "' in output: " + live.out() + live.err());
                }
                Thread.sleep(20);
            }
        }
    }

    public int exitCode() {
        return exitCode;
    }

    public String out() {
        return out.toString();
    }

    public String err() {
        return err.toString();
    }

    public static JsonNode readReport(Path file) throws IOException {
        return new ObjectMapper().readTree(file.toFile());
    }
}
