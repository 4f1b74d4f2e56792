package io.fleetmq.image.base;

import java.nio.file.Path;
import java.util.Objects;

/** The base as jib takes it: a registry reference (pinned by digest) or a docker-save tar on disk. */
public sealed interface BaseImage {

    record Registry(String reference) implements BaseImage {
        public Registry {
            Objects.requireNonNull(reference, "reference");
        }
    }

    /** {@code rootfsDigest} is the layer's diff id when the tar was made from a root filesystem, else null. */
    record DockerTar(Path path, String rootfsDigest) implements BaseImage {
        public DockerTar {
            Objects.requireNonNull(path, "path");
        }
    }
}
