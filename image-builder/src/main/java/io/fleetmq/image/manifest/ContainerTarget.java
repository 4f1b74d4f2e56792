package io.fleetmq.image.manifest;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * {@code targets.container}: the repository and tags the image is known by, the platforms to build, the creation
 * time written into the image config (fixed, so the digest depends on the inputs only) and extra labels.
 */
public record ContainerTarget(String repository, List<String> tags, List<Platform> platforms, Instant creationTime,
                              Map<String, String> labels) {

    public ContainerTarget {
        Objects.requireNonNull(repository, "repository");
        tags = List.copyOf(tags);
        platforms = List.copyOf(platforms);
        Objects.requireNonNull(creationTime, "creationTime");
        // Sorted: labels end up in the image config, whose bytes must not depend on map order.
        labels = Collections.unmodifiableMap(new TreeMap<>(labels));
    }

    /** {@code os/architecture}, as in {@code linux/amd64}. */
    public record Platform(String os, String architecture) {
        public Platform {
            Objects.requireNonNull(os, "os");
            Objects.requireNonNull(architecture, "architecture");
        }

        @Override
        public String toString() {
            return os + "/" + architecture;
        }
    }
}
