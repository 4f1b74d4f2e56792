package io.fleetmq.image.cli;

import io.fleetmq.image.build.BuildEvent;
import io.fleetmq.image.build.BuildListener;

import java.io.PrintWriter;

/** Prints build events as lines on stderr: {@code [2/5] write SBOM: ...}. */
final class ProgressPrinter implements BuildListener {

    private final PrintWriter err;

    ProgressPrinter(PrintWriter err) {
        this.err = err;
    }

    @Override
    public synchronized void onEvent(BuildEvent e) {
        String head = "[" + e.step() + "/" + e.steps() + "] " + e.name();
        switch (e.kind()) {
            case STARTED -> err.println(head);
            case PROGRESS -> err.println(head + ": " + e.message());
            case FINISHED -> err.printf("%s: done in %.1f s%n", head, e.elapsed().toMillis() / 1000.0);
        }
        err.flush();
    }
}
