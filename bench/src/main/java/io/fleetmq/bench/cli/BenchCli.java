package io.fleetmq.bench.cli;

import io.fleetmq.bench.compare.CompareCommand;
import io.fleetmq.bench.run.StopSignal;
import io.fleetmq.bench.scenario.ScenarioCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * {@code fleetmq bench}: an emqtt_bench-style load generator with subcommands {@code conn}, {@code sub},
 * {@code pub} and {@code scenario} (a YAML file with SLOs, see {@link ScenarioCommand}). Exit codes: 0 success,
 * 1 failure (a client could not connect, a worker failed, the report could not be written, an SLO failed), 2 bad
 * input. Nothing outside this package depends on it, except {@code scenario}'s command for the exit codes and the
 * stop signal.
 */
@Command(name = "fleetmq bench",
        mixinStandardHelpOptions = true,
        version = "fleetmq bench 0.1.0",
        description = "emqtt_bench-style MQTT load generator: conn, sub, pub, scenario files with SLOs, and "
                + "compare (FleetMQ against Mosquitto in one run).",
        subcommands = {ConnCommand.class, SubCommand.class, PubCommand.class, ScenarioCommand.class,
                CompareCommand.class})
public final class BenchCli implements Callable<Integer> {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int BAD_INPUT = 2;

    private final StopSignal stop = new StopSignal();

    @Spec
    CommandSpec spec;

    /** Ctrl-C (or SIGTERM) asks the run to stop; the report is still written. */
    public StopSignal stopSignal() {
        return stop;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return BAD_INPUT;
    }

    /** The command line as {@link #main} runs it: one-line errors, exit codes 0/1/2. */
    public static CommandLine commandLine(BenchCli cli, String... args) {
        CommandLine cl = new CommandLine(cli)
                .setExecutionExceptionHandler(new ErrorHandlers.Short())
                .setParameterExceptionHandler(new ErrorHandlers.BadInput());
        // A worker's arguments are its parent's plus overrides (-c, -n, ...) appended: the last one wins.
        cl.setOverwrittenOptionsAllowed(Arrays.asList(args).contains("--worker-child"));
        return cl;
    }

    public static void main(String[] args) {
        BenchCli cli = new BenchCli();
        Thread hook = new Thread(() -> {
            cli.stopSignal().request();
            try {
                cli.stopSignal().awaitDone(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bench-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        int code = commandLine(cli, args).execute(args);
        cli.stopSignal().markDone();
        System.exit(code);
    }
}
