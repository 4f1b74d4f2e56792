package io.fleetmq.image.build;

import com.google.cloud.tools.jib.event.events.ProgressEvent;

import java.util.function.Consumer;

/**
 * Turns jib's fine-grained progress events into a line per 10 % of the build, so long pushes show they are moving
 * without flooding the terminal.
 */
final class JibProgress implements Consumer<ProgressEvent> {

    private final BuildStep.Progress progress;
    private double done;
    private int lastDecile = -1;

    JibProgress(BuildStep.Progress progress) {
        this.progress = progress;
    }

    @Override
    public synchronized void accept(ProgressEvent event) {
        done += event.getAllocation().getFractionOfRoot() * event.getUnits();
        int decile = (int) Math.min(10, Math.floor(done * 10 + 1e-9));
        if (decile > lastDecile) {
            lastDecile = decile;
            progress.report("jib " + decile * 10 + "% (" + event.getAllocation().getDescription() + ")");
        }
    }
}
