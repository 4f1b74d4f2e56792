package io.fleetmq.image.validate;

import io.fleetmq.broker.config.ConfigException;
import io.fleetmq.broker.config.ConfigLoader;
import io.fleetmq.image.manifest.ImageManifest;
import io.fleetmq.image.manifest.ManifestException;
import io.fleetmq.image.manifest.RoleSpec;
import io.fleetmq.image.manifest.RoleSpec.Target;
import io.fleetmq.image.manifest.Suggestions;
import io.fleetmq.image.roles.RenderedFile;
import io.fleetmq.image.roles.Role;
import io.fleetmq.image.roles.RoleLibrary;
import io.fleetmq.image.roles.RoleRenderer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything that can be checked before a build starts, in the order a reader would fix it: each role exists, each
 * variable is one the role declares and has the type of its default, each template task's template exists and
 * renders, and the rendered broker configuration is one the broker itself accepts (checked with its own
 * {@link ConfigLoader}, so the image cannot ship a configuration the broker would refuse at start).
 */
public final class ManifestValidator {

    /** The role that makes a broker node; a container manifest must list it. */
    public static final String BROKER_ROLE = "fleetmq_broker";

    private final RoleLibrary library;
    private final RoleRenderer renderer;

    public ManifestValidator(RoleLibrary library, RoleRenderer renderer) {
        this.library = library;
        this.renderer = renderer;
    }

    public ValidatedManifest validate(ImageManifest manifest) {
        Map<String, Map<String, Object>> roleVars = new LinkedHashMap<>();
        List<RenderedFile> containerFiles = new ArrayList<>();
        Set<String> paths = new HashSet<>();
        List<RoleSpec> roles = manifest.roles();
        for (int i = 0; i < roles.size(); i++) {
            RoleSpec spec = roles.get(i);
            String key = "roles[" + i + "]";
            Role role = library.find(spec.name()).orElseThrow(() -> manifest.error(key + ".name",
                    "no role " + spec.name() + " in " + library.dir()
                            + Suggestions.didYouMean(spec.name(), library.names())));
            checkVars(manifest, key, spec, role);
            Map<String, Object> vars = renderer.resolveVars(role, spec.vars());
            roleVars.put(spec.name(), vars);
            List<RenderedFile> rendered = renderer.render(role, vars);
            if (spec.appliesTo(Target.CONTAINER) && manifest.container().isPresent()) {
                for (RenderedFile f : rendered) {
                    if (!paths.add(f.path())) {
                        throw manifest.error(key + ".name", "role " + spec.name() + " renders " + f.path()
                                + ", which an earlier role already renders");
                    }
                    containerFiles.add(f);
                }
            }
        }
        if (manifest.container().isPresent()) {
            int brokerIndex = indexOf(roles, BROKER_ROLE);
            if (brokerIndex < 0 || !roles.get(brokerIndex).appliesTo(Target.CONTAINER)) {
                throw manifest.error("roles", "a container target needs the " + BROKER_ROLE
                        + " role applied to it (it defines the user, paths and configuration of the broker)");
            }
            checkBrokerConfig(manifest, "roles[" + brokerIndex + "].vars", roleVars.get(BROKER_ROLE), containerFiles);
            checkOwners(manifest, "roles[" + brokerIndex + "].vars", roleVars.get(BROKER_ROLE), containerFiles);
        }
        return new ValidatedManifest(manifest, roleVars, containerFiles);
    }

    private static void checkVars(ImageManifest manifest, String key, RoleSpec spec, Role role) {
        for (Map.Entry<String, Object> e : spec.vars().entrySet()) {
            String varKey = key + ".vars." + e.getKey();
            if (!role.defaults().containsKey(e.getKey())) {
                throw manifest.error(varKey, "role " + spec.name() + " has no variable " + e.getKey()
                        + Suggestions.didYouMean(e.getKey(), role.defaults().keySet())
                        + " (variables are declared in its defaults/main.yml)");
            }
            Object def = role.defaults().get(e.getKey());
            Object given = e.getValue();
            if (def != null && !sameType(def, given)) {
                throw manifest.error(varKey, "must be " + typeName(def) + " like the role default ("
                        + def + "), got " + typeName(given) + (given == null ? "" : " (" + given + ")"));
            }
        }
    }

    private static boolean sameType(Object def, Object given) {
        if (given == null) {
            return false;
        }
        if (def instanceof Number) {
            return given instanceof Long || given instanceof Integer;
        }
        if (def instanceof List) {
            return given instanceof List;
        }
        if (def instanceof Map) {
            return given instanceof Map;
        }
        return def.getClass().equals(given.getClass());
    }

    private static String typeName(Object v) {
        if (v == null) {
            return "nothing (null)";
        }
        if (v instanceof Number) {
            return v instanceof Double ? "a number" : "an integer";
        }
        if (v instanceof Boolean) {
            return "a boolean";
        }
        if (v instanceof List) {
            return "a list";
        }
        if (v instanceof Map) {
            return "a mapping";
        }
        return "a string";
    }

    private static void checkBrokerConfig(ImageManifest manifest, String key, Map<String, Object> vars,
                                          List<RenderedFile> files) {
        Object configPath = vars.get("fleetmq_broker_config_file");
        RenderedFile config = files.stream().filter(f -> f.path().equals(configPath)).findFirst()
                .orElseThrow(() -> manifest.error(key, "the " + BROKER_ROLE + " role renders no file at "
                        + configPath + " (fleetmq_broker_config_file), the configuration the broker is started with"));
        Path tmp = null;
        try {
            tmp = Files.createTempFile("fleetmq-rendered-", ".yaml");
            Files.write(tmp, config.content());
            // Empty environment: the check is about the file; FLEETMQ_* variables belong to the running container.
            ConfigLoader.load(tmp, List.of(), Map.of());
        } catch (ConfigException e) {
            String message = e.getMessage().replace(tmp.toString(), config.path()).replaceFirst("^config error: ", "");
            throw manifest.error(key, "rendered " + config.template()
                    + " is not a configuration the broker accepts: " + message);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a temporary file to check the rendered configuration", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless; the check's answer matters more
                }
            }
        }
    }

    /**
     * Files in an image carry numeric owners; only names the build can map are allowed: root, the broker's user and
     * group, or numbers.
     */
    private static void checkOwners(ImageManifest manifest, String key, Map<String, Object> vars,
            List<RenderedFile> files) {
        Set<String> users = Set.of("root", String.valueOf(vars.get("fleetmq_broker_user")));
        Set<String> groups = Set.of("root", String.valueOf(vars.get("fleetmq_broker_group")));
        for (RenderedFile f : files) {
            if (!users.contains(f.owner()) && !f.owner().matches("\\d+")) {
                throw manifest.error(key, f.template() + " is rendered to " + f.path() + " owned by " + f.owner()
                        + "; in an image the owner must be root, " + vars.get("fleetmq_broker_user") + " or a number");
            }
            if (!groups.contains(f.group()) && !f.group().matches("\\d+")) {
                throw manifest.error(key, f.template() + " is rendered to " + f.path() + " with group " + f.group()
                        + "; in an image the group must be root, " + vars.get("fleetmq_broker_group") + " or a number");
            }
        }
    }

    private static int indexOf(List<RoleSpec> roles, String name) {
        for (int i = 0; i < roles.size(); i++) {
            if (roles.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
