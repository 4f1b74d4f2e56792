package io.fleetmq.image.build;

import io.fleetmq.image.manifest.RuntimeSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs the build steps in order and reports each one to a {@link BuildListener}. A failing step stops the build;
 * the scratch directory is removed either way.
 */
public final class ImageBuildRunner {

    private final BuildListener listener;

    public ImageBuildRunner(BuildListener listener) {
        this.listener = listener;
    }

    /** The steps of a build, in order. */
    public static List<BuildStep> steps(BuildRequest request) {
        List<BuildStep> steps = new ArrayList<>(List.of(new ReadDistributionStep(), new SbomStep(),
                new PrepareBaseStep()));
        if (request.manifest().manifest().containerRuntime() instanceof RuntimeSpec.Jlink) {
            steps.add(new RuntimeStep());
        }
        steps.add(new ContainerizeStep());
        return steps;
    }

    public BuildResult run(BuildRequest request) throws Exception {
        Files.createDirectories(request.cacheDir());
        Path work = Files.createTempDirectory(request.cacheDir(), "build-");
        try {
            BuildState state = new BuildState(request, work);
            List<BuildStep> steps = steps(request);
            for (int i = 0; i < steps.size(); i++) {
                BuildStep step = steps.get(i);
                int n = i + 1;
                long start = System.nanoTime();
                listener.onEvent(new BuildEvent(n, steps.size(), step.name(), BuildEvent.Kind.STARTED, "",
                        Duration.ZERO));
                step.run(state, message -> listener.onEvent(new BuildEvent(n, steps.size(), step.name(),
                        BuildEvent.Kind.PROGRESS, message, Duration.ofNanos(System.nanoTime() - start))));
                listener.onEvent(new BuildEvent(n, steps.size(), step.name(), BuildEvent.Kind.FINISHED, "done",
                        Duration.ofNanos(System.nanoTime() - start)));
            }
            return BuildResult.of(request, state);
        } finally {
            deleteQuietly(work);
        }
    }

    /**
     * Best effort, and never throwing: after a failed push jib's worker threads may still be writing into the
     * scratch directory, and an exception from here would replace the one that says what really went wrong.
     * A scratch directory left behind under the cache is harmless.
     */
    private static void deleteQuietly(Path dir) {
        for (int attempt = 0; attempt < 3 && Files.exists(dir); attempt++) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
