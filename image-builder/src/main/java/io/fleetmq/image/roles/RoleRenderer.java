package io.fleetmq.image.roles;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import io.fleetmq.image.manifest.ManifestException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a role's Jinja2 templates in Java (Jinjava), the way Ansible's template module would for the AMI: the
 * role's defaults overridden by the manifest's variables, {@code trim_blocks} on, and an unknown variable an error
 * rather than an empty string (an image must not ship a half-rendered file).
 */
public final class RoleRenderer {

    private static final int MAX_PASSES = 10;

    private final Jinjava jinjava;

    public RoleRenderer() {
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withFailOnUnknownTokens(true)
                .withTrimBlocks(true)
                .build();
        this.jinjava = new Jinjava(config);
    }

    /**
     * Role defaults, overridden by {@code overrides}, with Jinja2 expressions inside string values resolved against
     * each other (Ansible resolves {@code "{{ fleetmq_broker_home }}/lib"} lazily; here it is done up front).
     */
    public Map<String, Object> resolveVars(Role role, Map<String, Object> overrides) {
        Map<String, Object> vars = new LinkedHashMap<>(role.defaults());
        vars.putAll(overrides);
        for (int pass = 0; pass < MAX_PASSES; pass++) {
            boolean changed = false;
            for (Map.Entry<String, Object> e : vars.entrySet()) {
                Object resolved = resolveValue(role, e.getKey(), e.getValue(), vars);
                if (!java.util.Objects.equals(resolved, e.getValue())) {
                    e.setValue(resolved);
                    changed = true;
                }
            }
            if (!changed) {
                return vars;
            }
        }
        throw new ManifestException(RoleLibrary.shown(role.dir().resolve("defaults/main.yml")), 1, role.name(),
                "variables refer to each other in a cycle (still changing after " + MAX_PASSES + " passes)");
    }

    private Object resolveValue(Role role, String key, Object value, Map<String, Object> vars) {
        if (value instanceof String s && (s.contains("{{") || s.contains("{%"))) {
            return renderString(role, key, s, vars);
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (Object item : list) {
                out.add(resolveValue(role, key, item, vars));
            }
            return out;
        }
        return value;
    }

    private String renderString(Role role, String key, String text, Map<String, Object> vars) {
        RenderResult r = jinjava.renderForResult(text, vars);
        for (TemplateError err : r.getErrors()) {
            if (err.getSeverity() == TemplateError.ErrorType.FATAL) {
                int line = role.defaultLines().getOrDefault(key, 1);
                throw new ManifestException(RoleLibrary.shown(role.dir().resolve("defaults/main.yml")), line, key,
                        "cannot render \"" + text + "\": " + err.getMessage());
            }
        }
        return r.getOutput();
    }

    /** Renders every template task of {@code role} with {@code vars} (already resolved). */
    public List<RenderedFile> render(Role role, Map<String, Object> vars) {
        List<RenderedFile> out = new ArrayList<>();
        for (TemplateTask task : role.templateTasks()) {
            Path template = role.template(task.src());
            String text;
            try {
                text = Files.readString(template, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new ManifestException(task.file(), task.line(), "src",
                        "template " + task.src() + " not found in " + RoleLibrary.shown(template.getParent()));
            } catch (IOException e) {
                throw new ManifestException(task.file(), task.line(), "src", "cannot read " + template + ": "
                        + e.getMessage());
            }
            String shownTemplate = RoleLibrary.shown(template);
            RenderResult r = jinjava.renderForResult(text, vars);
            for (TemplateError err : r.getErrors()) {
                if (err.getSeverity() == TemplateError.ErrorType.FATAL) {
                    String what = err.getFieldName() != null ? err.getFieldName() : "(template)";
                    throw new ManifestException(shownTemplate, Math.max(1, err.getLineno()), what,
                            oneLine(err.getMessage()));
                }
            }
            String dest = field(task, "dest", task.dest(), vars);
            if (!dest.startsWith("/")) {
                throw new ManifestException(task.file(), task.line(), "dest",
                        "must render to an absolute path, got \"" + dest + "\"");
            }
            String modeText = field(task, "mode", task.mode(), vars);
            int mode;
            try {
                mode = Integer.parseInt(modeText, 8);
            } catch (NumberFormatException e) {
                throw new ManifestException(task.file(), task.line(), "mode",
                        "must be an octal mode such as \"0644\", got \"" + modeText + "\"");
            }
            out.add(new RenderedFile(dest, r.getOutput().getBytes(StandardCharsets.UTF_8), mode,
                    field(task, "owner", task.owner(), vars), field(task, "group", task.group(), vars), shownTemplate));
        }
        return out;
    }

    private String field(TemplateTask task, String key, String text, Map<String, Object> vars) {
        RenderResult r = jinjava.renderForResult(text, vars);
        for (TemplateError err : r.getErrors()) {
            if (err.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw new ManifestException(task.file(), task.line(), key, "cannot render \"" + text + "\": "
                        + oneLine(err.getMessage()));
            }
        }
        return r.getOutput().trim();
    }

    private static String oneLine(String s) {
        return s == null ? "error" : s.replace('\n', ' ').trim();
    }
}
