package io.fleetmq.image.build;

/** Receives {@link BuildEvent}s; called from the building thread and from jib's worker threads. */
@FunctionalInterface
public interface BuildListener {

    BuildListener NONE = e -> { };

    void onEvent(BuildEvent event);
}
