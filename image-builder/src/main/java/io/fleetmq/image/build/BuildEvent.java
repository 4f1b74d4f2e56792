package io.fleetmq.image.build;

import java.time.Duration;
import java.util.Objects;

/**
 * Something the build reports while it runs: a step started, made progress, or finished. The core only emits these;
 * the CLI decides how (and whether) to print them.
 *
 * @param step  1-based number of the step; {@code steps} how many there are
 * @param elapsed time since the step started (zero for STARTED)
 */
public record BuildEvent(int step, int steps, String name, Kind kind, String message, Duration elapsed) {

    public enum Kind { STARTED, PROGRESS, FINISHED }

    public BuildEvent {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(elapsed, "elapsed");
    }
}
