package io.fleetmq.image.manifest;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One entry of {@code roles}: an Ansible role from {@code ansible-roles/} with the variables the manifest sets
 * (overriding the role's {@code defaults/main.yml}) and the targets it applies to ({@code container}, {@code ami}).
 */
public record RoleSpec(String name, Map<String, Object> vars, Set<Target> appliesTo) {

    /** The kinds of artefact a manifest describes. */
    public enum Target {
        CONTAINER, AMI;

        public String yamlName() {
            return name().toLowerCase();
        }
    }

    public RoleSpec {
        Objects.requireNonNull(name, "name");
        // A deep copy keeping the file's order; values may be null (YAML null), which Map.copyOf refuses.
        @SuppressWarnings("unchecked")
        Map<String, Object> frozen = (Map<String, Object>) Immutables.deepCopy(vars);
        vars = frozen;
        appliesTo = Set.copyOf(appliesTo);
    }

    public boolean appliesTo(Target target) {
        return appliesTo.contains(target);
    }

    static List<String> targetNames() {
        return List.of("container", "ami");
    }
}
