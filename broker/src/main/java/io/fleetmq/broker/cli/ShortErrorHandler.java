package io.fleetmq.broker.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Last line of defence for exceptions a subcommand did not handle: one line on stderr and exit code 1; the stack
 * trace only with the hidden {@code --stacktrace} flag.
 */
final class ShortErrorHandler implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        cmd.getErr().println("fleetmq: " + Failures.describe(ex));
        if (wantsStacktrace(parseResult)) {
            ex.printStackTrace(cmd.getErr());
        }
        cmd.getErr().flush();
        return FleetMqCli.FAILURE;
    }

    private static boolean wantsStacktrace(ParseResult pr) {
        for (ParseResult p = pr; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--stacktrace")) {
                return true;
            }
        }
        return false;
    }
}
