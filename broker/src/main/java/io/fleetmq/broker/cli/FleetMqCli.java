package io.fleetmq.broker.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * {@code fleetmq}: the root command. Each subcommand is a {@link Callable} returning the exit code:
 * 0 success, 1 runtime failure, 2 bad input (unknown option or subcommand, bad configuration).
 * Nothing in the broker depends on this package.
 */
@Command(name = "fleetmq",
        mixinStandardHelpOptions = true,
        versionProvider = FleetMqVersion.class,
        description = "FleetMQ: clustered MQTT for device fleets.",
        subcommands = {BrokerCommand.class, ClusterCommand.class, PasswdCommand.class})
public final class FleetMqCli implements Callable<Integer> {

    /** Exit code for success. */
    public static final int OK = 0;
    /** Exit code for a runtime failure (cannot bind, broker crashed). */
    public static final int FAILURE = 1;
    /** Exit code for bad input: unknown option or subcommand, bad configuration. */
    public static final int BAD_INPUT = 2;

    private final Map<String, String> env;
    private final BrokerStarter starter;

    @Spec
    CommandSpec spec;

    /** The real thing: process environment, real broker. */
    public FleetMqCli() {
        this(System.getenv(), BrokerStarter.REAL);
    }

    /** For tests: a given environment and broker starter. */
    public FleetMqCli(Map<String, String> env, BrokerStarter starter) {
        this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
        this.starter = Objects.requireNonNull(starter, "starter");
    }

    Map<String, String> env() {
        return env;
    }

    BrokerStarter starter() {
        return starter;
    }

    /** {@code fleetmq} without a subcommand: usage on stderr, bad input. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return BAD_INPUT;
    }

    /**
     * The command line as {@link #main} runs it: one-line errors instead of stack traces, usage after bad input.
     */
    public static CommandLine commandLine(FleetMqCli cli) {
        return new CommandLine(cli)
                .setExecutionExceptionHandler(new ShortErrorHandler())
                .setParameterExceptionHandler(new UsageOnBadInput());
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new FleetMqCli())
                .setExecutionExceptionHandler(new ShortErrorHandler())
                .setParameterExceptionHandler(new UsageOnBadInput())
                .execute(args));
    }
}
