package io.fleetmq.broker.cli;

import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Bad command-line input (unknown subcommand or option, missing option value): the error, any "did you mean"
 * suggestion, then the usage of the command concerned, all on stderr; exit code 2.
 */
final class UsageOnBadInput implements IParameterExceptionHandler {

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        cmd.getErr().println(ex.getMessage());
        UnmatchedArgumentException.printSuggestions(ex, cmd.getErr());
        cmd.usage(cmd.getErr());
        cmd.getErr().flush();
        return FleetMqCli.BAD_INPUT;
    }
}
