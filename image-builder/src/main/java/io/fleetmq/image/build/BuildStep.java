package io.fleetmq.image.build;

/**
 * One named step of an image build. Steps read what earlier steps left in the {@link BuildState} and add their own
 * result to it; {@link ImageBuildRunner} runs them in order and reports each one.
 */
public interface BuildStep {

    /** Short name shown in progress lines, e.g. "render configuration". */
    String name();

    /** Runs the step; {@code progress} takes a one-line message about work under way. */
    void run(BuildState state, Progress progress) throws Exception;

    /** Progress messages from inside a step. */
    @FunctionalInterface
    interface Progress {
        void report(String message);
    }
}
