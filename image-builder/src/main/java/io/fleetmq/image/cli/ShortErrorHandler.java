package io.fleetmq.image.cli;

import io.fleetmq.image.manifest.ManifestException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Exceptions a subcommand did not handle: one line on stderr; exit 2 for a bad manifest, else 1. The stack trace
 * only with the hidden {@code --stacktrace} flag.
 */
final class ShortErrorHandler implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        if (ex instanceof ManifestException) {
            cmd.getErr().println(ex.getMessage());
        } else {
            cmd.getErr().println("fleetmq image: " + describe(ex));
        }
        if (wantsStacktrace(parseResult)) {
            ex.printStackTrace(cmd.getErr());
        }
        cmd.getErr().flush();
        return ex instanceof ManifestException ? ImageCli.BAD_INPUT : ImageCli.FAILURE;
    }

    static String describe(Throwable ex) {
        Throwable t = ex;
        // jib wraps registry and I/O failures in ExecutionException; the innermost message says what went wrong.
        while ((t instanceof java.util.concurrent.ExecutionException || t.getMessage() == null) && t.getCause() != null) {
            t = t.getCause();
        }
        String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        if (t instanceof java.nio.file.FileSystemException) {
            // Their message is just the path; the type says what happened to it.
            msg = t.getClass().getSimpleName() + ": " + msg;
        }
        return msg.replace('\n', ' ').trim();
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
