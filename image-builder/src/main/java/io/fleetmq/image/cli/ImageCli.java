package io.fleetmq.image.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code fleetmq image}: manifests into broker images. Each subcommand is a {@link Callable} returning the exit
 * code: 0 success, 1 failure, 2 bad input (bad manifest, option or destination).
 */
@Command(name = "fleetmq image",
        mixinStandardHelpOptions = true,
        version = "fleetmq image-builder (manifest apiVersion fleetmq.io/v1alpha1)",
        description = "Build reproducible FleetMQ broker images from versioned manifests.",
        subcommands = {BuildCommand.class, ValidateCommand.class, InspectCommand.class},
        footer = {"", "Examples:",
                "  ./fleetmq image validate --manifest image-builder/manifests/broker.yaml",
                "  ./fleetmq image build --manifest image-builder/manifests/broker.yaml --to tar:/tmp/broker.tar",
                "  ./fleetmq image inspect tar:/tmp/broker.tar"})
public final class ImageCli implements Callable<Integer> {

    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int BAD_INPUT = 2;

    private final CliContext context;

    @Spec
    CommandSpec spec;

    public ImageCli(CliContext context) {
        this.context = context;
    }

    CliContext context() {
        return context;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return BAD_INPUT;
    }

    /** The command line as {@link #main} runs it: short errors, usage after bad options. */
    public static CommandLine commandLine(ImageCli cli) {
        return new CommandLine(cli)
                // Wide enough that example command lines are not broken in the middle of a path.
                .setUsageHelpWidth(140)
                .setExecutionExceptionHandler(new ShortErrorHandler())
                .setParameterExceptionHandler((ex, args) -> {
                    CommandLine cmd = ex.getCommandLine();
                    cmd.getErr().println("fleetmq image: " + ex.getMessage());
                    CommandLine.UnmatchedArgumentException.printSuggestions(ex, cmd.getErr());
                    cmd.usage(cmd.getErr());
                    return BAD_INPUT;
                });
    }

    public static void main(String[] args) {
        System.exit(commandLine(new ImageCli(CliContext.fromSystem())).execute(args));
    }
}
