package io.fleetmq.image.roles;

import io.fleetmq.image.manifest.ManifestException;
import io.fleetmq.image.manifest.YamlDocument;
import io.fleetmq.image.manifest.YamlDocument.Value;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The {@code ansible-roles/} folder: finds a role by name and reads what the image build uses from it. Task files
 * are read as data (never run): template tasks are collected, static {@code import_tasks} followed, everything
 * else left to Ansible.
 */
public final class RoleLibrary {

    private static final List<String> TEMPLATE_MODULES = List.of("ansible.builtin.template", "template");
    private static final List<String> IMPORT_MODULES = List.of("ansible.builtin.import_tasks", "import_tasks");

    /** Ansible tag that keeps a template task out of the container image. */
    public static final String NO_CONTAINER_TAG = "no_container";

    private final Path rolesDir;

    public RoleLibrary(Path rolesDir) {
        this.rolesDir = rolesDir.toAbsolutePath().normalize();
    }

    public Path dir() {
        return rolesDir;
    }

    /** Role names present, sorted (for "did you mean"). */
    public List<String> names() {
        if (!Files.isDirectory(rolesDir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(rolesDir)) {
            return s.filter(p -> Files.isDirectory(p.resolve("tasks")) || Files.isDirectory(p.resolve("defaults")))
                    .map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The role, or empty when there is no folder of that name with a {@code tasks/main.yml}. */
    public Optional<Role> find(String name) {
        Path dir = rolesDir.resolve(name);
        if (!Files.isRegularFile(dir.resolve("tasks/main.yml"))) {
            return Optional.empty();
        }
        Map<String, Object> defaults = new LinkedHashMap<>();
        Map<String, Integer> lines = new HashMap<>();
        Path defaultsFile = dir.resolve("defaults/main.yml");
        if (Files.isRegularFile(defaultsFile)) {
            Value root = YamlDocument.parse(shown(defaultsFile), read(defaultsFile));
            if (root != null) {
                for (Map.Entry<String, Value> e : root.mapping().entrySet()) {
                    defaults.put(e.getKey(), e.getValue().plain());
                    lines.put(e.getKey(), e.getValue().line());
                }
            }
        }
        List<TemplateTask> templates = new ArrayList<>();
        collectTemplateTasks(dir, dir.resolve("tasks/main.yml"), templates, 0);
        return Optional.of(new Role(name, dir, defaults, lines, templates));
    }

    private void collectTemplateTasks(Path roleDir, Path taskFile, List<TemplateTask> out, int depth) {
        if (depth > 8) {
            throw new ManifestException(shown(taskFile), 1, "import_tasks", "imports nested deeper than 8 files");
        }
        Value root = YamlDocument.parse(shown(taskFile), read(taskFile));
        if (root == null) {
            return;
        }
        for (Value task : root.sequence()) {
            Map<String, Value> m = task.mapping();
            for (String module : IMPORT_MODULES) {
                if (m.containsKey(module)) {
                    Value target = m.get(module);
                    String file = target.isMapping() ? target.mapping().get("file").string() : target.string();
                    Path imported = roleDir.resolve("tasks").resolve(file).normalize();
                    if (file.contains("{{") || !Files.isRegularFile(imported)) {
                        throw target.error("imported task file not found: " + imported);
                    }
                    collectTemplateTasks(roleDir, imported, out, depth + 1);
                }
            }
            for (String module : TEMPLATE_MODULES) {
                if (m.containsKey(module) && !taggedNoContainer(m)) {
                    Value args = m.get(module);
                    Map<String, Value> a = args.mapping();
                    String name = m.containsKey("name") ? m.get("name").string() : "template";
                    out.add(new TemplateTask(name,
                            field(a, "src", args), field(a, "dest", args),
                            a.containsKey("mode") ? a.get("mode").string() : "0644",
                            a.containsKey("owner") ? a.get("owner").string() : "root",
                            a.containsKey("group") ? a.get("group").string() : "root",
                            shown(taskFile), task.line()));
                }
            }
        }
    }

    /** Tasks tagged {@code no_container} are for machines only (e.g. a systemd unit), not for the image. */
    private static boolean taggedNoContainer(Map<String, Value> task) {
        Value tags = task.get("tags");
        if (tags == null) {
            return false;
        }
        return tags.isSequence() ? tags.strings().contains(NO_CONTAINER_TAG) : NO_CONTAINER_TAG.equals(tags.string());
    }

    private static String field(Map<String, Value> a, String key, Value parent) {
        Value v = a.get(key);
        if (v == null) {
            throw parent.error(key + " is required for a template task");
        }
        return v.string();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ManifestException(shown(file), 0, "(file)", "cannot read: " + e.getMessage());
        }
    }

    /** Paths in messages relative to the working directory when possible, so they are short and clickable. */
    static String shown(Path p) {
        Path cwd = Path.of("").toAbsolutePath();
        Path abs = p.toAbsolutePath().normalize();
        return abs.startsWith(cwd) ? cwd.relativize(abs).toString() : abs.toString();
    }
}
