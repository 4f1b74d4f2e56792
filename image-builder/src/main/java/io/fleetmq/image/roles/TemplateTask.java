package io.fleetmq.image.roles;

import java.util.Objects;

/**
 * An {@code ansible.builtin.template} task of a role: the part of a role the container build applies itself, with the
 * same source, destination and mode Ansible uses for the AMI. {@code dest}, {@code owner} and {@code group} may hold
 * Jinja2 expressions; they are rendered with the role's variables.
 *
 * @param file the task file, for messages; {@code line} the task's line in it
 */
public record TemplateTask(String taskName, String src, String dest, String mode, String owner, String group,
                           String file, int line) {

    public TemplateTask {
        Objects.requireNonNull(taskName, "taskName");
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(dest, "dest");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(file, "file");
    }
}
