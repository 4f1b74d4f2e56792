package io.fleetmq.bench.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/** Bad input: one line on stderr, exit 2. Runtime failure: one line, exit 1 (stack trace with --stacktrace). */
final class ErrorHandlers {
    private ErrorHandlers() {
    }

    static final class BadInput implements IParameterExceptionHandler {
        @Override
        public int handleParseException(ParameterException ex, String[] args) {
            CommandLine cmd = ex.getCommandLine();
            String msg = ex.getMessage() == null ? "bad input" : ex.getMessage().replaceAll("\\s*\\R\\s*", " ").trim();
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + msg + " (see --help)");
            cmd.getErr().flush();
            return BenchCli.BAD_INPUT;
        }
    }

    static final class Short implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + Failures.describe(ex));
            for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
                if (p.hasMatchedOption("--stacktrace")) {
                    ex.printStackTrace(cmd.getErr());
                }
            }
            cmd.getErr().flush();
            return BenchCli.FAILURE;
        }
    }
}
