package io.fleetmq.bench.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetmq.bench.cli.BenchCli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

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
