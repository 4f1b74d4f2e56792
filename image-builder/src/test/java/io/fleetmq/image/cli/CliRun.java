package io.fleetmq.image.cli;

import io.fleetmq.image.TestPaths;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

/** Runs {@code fleetmq image ...} in-process as main would, capturing exit code, stdout and stderr. */
record CliRun(int exitCode, String out, String err) {

    static CliRun run(String... args) {
        return run(Map.of(), args);
    }

    static CliRun run(Map<String, String> env, String... args) {
        CliContext ctx = new CliContext(TestPaths.home(), Path.of(System.getProperty("user.home")),
                Path.of(System.getProperty("java.home")), env);
        CommandLine cmd = ImageCli.commandLine(new ImageCli(ctx));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }
}
