package io.fleetmq.image.validate;

import io.fleetmq.image.manifest.ImageManifest;
import io.fleetmq.image.manifest.Immutables;
import io.fleetmq.image.roles.RenderedFile;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A manifest that passed every check, with what the checks produced: each role's resolved variables and the files
 * rendered for the container image (empty when the manifest has no container target).
 */
public record ValidatedManifest(ImageManifest manifest, Map<String, Map<String, Object>> roleVars,
                                List<RenderedFile> containerFiles) {

    public ValidatedManifest {
        Objects.requireNonNull(manifest, "manifest");
        Map<String, Map<String, Object>> copy = new LinkedHashMap<>();
        roleVars.forEach((k, v) -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> frozen = (Map<String, Object>) Immutables.deepCopy(v);
            copy.put(k, frozen);
        });
        roleVars = Collections.unmodifiableMap(copy);
        containerFiles = List.copyOf(containerFiles);
    }

    /** The resolved variables of the broker role (always present in a validated container manifest). */
    public Map<String, Object> brokerVars() {
        return roleVars.get(ManifestValidator.BROKER_ROLE);
    }
}
