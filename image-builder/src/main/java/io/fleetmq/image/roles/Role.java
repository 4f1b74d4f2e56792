package io.fleetmq.image.roles;

import io.fleetmq.image.manifest.Immutables;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An Ansible role as the image builder sees it: its directory, the variables of {@code defaults/main.yml} (with
 * their lines), and its template tasks.
 */
public record Role(String name, Path dir, Map<String, Object> defaults, Map<String, Integer> defaultLines,
                   List<TemplateTask> templateTasks) {

    public Role {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dir, "dir");
        @SuppressWarnings("unchecked")
        Map<String, Object> frozen = (Map<String, Object>) Immutables.deepCopy(defaults);
        defaults = frozen;
        defaultLines = Map.copyOf(defaultLines);
        templateTasks = List.copyOf(templateTasks);
    }

    public Path template(String src) {
        return dir.resolve("templates").resolve(src);
    }
}
