package io.fleetmq.image.manifest;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed {@code apiVersion: fleetmq.io/v1alpha1}, {@code kind: ImageManifest} file: immutable, and carrying the
 * line of every key so later checks (roles, templates, rendered configuration) can still point at the file.
 * {@code base} and {@code runtime} describe the container image: present whenever {@code container} is (the parser
 * makes sure), and optional in a manifest that only makes AMIs.
 *
 * @param source  the manifest file, as named on the command line
 * @param sha256  hex SHA-256 of the file's bytes; goes into the image as a label
 * @param lines   key path ({@code roles[0].vars.x}) to line number
 */
public record ImageManifest(Path source, String sha256, String name, String version, Optional<BaseSpec> base,
                            Optional<RuntimeSpec> runtime, List<RoleSpec> roles, Optional<ContainerTarget> container,
                            Optional<AmiTarget> ami, Map<String, Integer> lines) {

    public static final String API_VERSION = "fleetmq.io/v1alpha1";
    public static final String KIND = "ImageManifest";

    public ImageManifest {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(runtime, "runtime");
        roles = List.copyOf(roles);
        Objects.requireNonNull(container, "container");
        Objects.requireNonNull(ami, "ami");
        lines = Map.copyOf(lines);
    }

    /** The base of a manifest with a container target. */
    public BaseSpec containerBase() {
        return base.orElseThrow(() -> new IllegalStateException("manifest has no base"));
    }

    /** The runtime of a manifest with a container target. */
    public RuntimeSpec containerRuntime() {
        return runtime.orElseThrow(() -> new IllegalStateException("manifest has no runtime"));
    }

    /** The line of {@code key}, or of its closest enclosing key that has one, or 1. */
    public int lineOf(String key) {
        String k = key;
        while (true) {
            Integer line = lines.get(k);
            if (line != null) {
                return line;
            }
            int cut = Math.max(k.lastIndexOf('.'), k.lastIndexOf('['));
            if (cut <= 0) {
                return 1;
            }
            k = k.substring(0, cut);
        }
    }

    /** An error about {@code key} of this manifest, pointing at its line. */
    public ManifestException error(String key, String problem) {
        return new ManifestException(source.toString(), lineOf(key), key, problem);
    }
}
