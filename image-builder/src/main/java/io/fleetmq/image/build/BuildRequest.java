package io.fleetmq.image.build;

import io.fleetmq.image.dest.Destination;
import io.fleetmq.image.manifest.ContainerTarget.Platform;
import io.fleetmq.image.validate.ValidatedManifest;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything an image build needs, passed in rather than looked up inside (environment included), so a test can
 * give separate cache directories and a fixed source revision.
 *
 * @param brokerTarget   the broker module's {@code target/} (classes and {@code classpath.txt})
 * @param cacheDir       where base root filesystems, jlink runtimes and jib's layer caches are kept
 * @param javaHome       the JDK whose {@code jlink} makes the runtime layer
 * @param sourceRevision the repository revision written into the image's labels
 * @param platforms      platforms to build; empty means the manifest's
 * @param allowInsecureRegistries push to and pull from plain-HTTP registries (loopback test registries)
 * @param env            the process environment (AWS credentials for ECR come through the SDK's own chain)
 */
public record BuildRequest(ValidatedManifest manifest, Destination destination, Path brokerTarget, Path cacheDir,
                           Path javaHome, String sourceRevision, List<Platform> platforms,
                           boolean allowInsecureRegistries, Map<String, String> env) {

    public BuildRequest {
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(brokerTarget, "brokerTarget");
        Objects.requireNonNull(cacheDir, "cacheDir");
        Objects.requireNonNull(javaHome, "javaHome");
        Objects.requireNonNull(sourceRevision, "sourceRevision");
        platforms = List.copyOf(platforms);
        env = Map.copyOf(env);
    }

    /** The platforms this build makes: the command line's if given, else the manifest's. */
    public List<Platform> effectivePlatforms() {
        return platforms.isEmpty() ? manifest.manifest().container().orElseThrow().platforms() : platforms;
    }
}
