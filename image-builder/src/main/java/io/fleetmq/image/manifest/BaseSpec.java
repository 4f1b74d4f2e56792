package io.fleetmq.image.manifest;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What the image is built on. Exactly one kind per manifest:
 * a registry image pinned by digest (production: a multi-platform JRE image), a local docker-save tar, a root
 * filesystem directory, or a Debian root filesystem made with debootstrap and cached (machines with no registry).
 */
public sealed interface BaseSpec {

    /** {@code base.image}: {@code REPO[:TAG]@sha256:DIGEST}; the digest is required so the base cannot move. */
    record RegistryImage(String reference) implements BaseSpec {
        public RegistryImage {
            Objects.requireNonNull(reference, "reference");
        }
    }

    /** {@code base.dockerTar}: a {@code docker save} tar (skopeo converts OCI layouts to it). */
    record DockerTar(Path path) implements BaseSpec {
        public DockerTar {
            Objects.requireNonNull(path, "path");
        }
    }

    /** {@code base.rootfs.path}: a directory holding a root filesystem, turned into one layer. */
    record RootfsDirectory(Path path) implements BaseSpec {
        public RootfsDirectory {
            Objects.requireNonNull(path, "path");
        }
    }

    /** {@code base.rootfs.debootstrap}: a Debian root filesystem made once and cached under the cache directory. */
    record Debootstrap(String suite, String variant, String mirror, List<String> include) implements BaseSpec {
        public Debootstrap {
            Objects.requireNonNull(suite, "suite");
            Objects.requireNonNull(variant, "variant");
            Objects.requireNonNull(mirror, "mirror");
            include = List.copyOf(include);
        }
    }
}
