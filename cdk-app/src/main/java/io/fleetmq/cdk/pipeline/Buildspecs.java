package io.fleetmq.cdk.pipeline;

import io.fleetmq.cdk.config.EnvironmentConfigException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The buildspecs in {@code pipelines/buildspecs/<step>.yml}, read at synth time so the file is what CodeBuild runs.
 * CDK Pipelines renders a step's buildspec itself; the file's {@code phases.install.commands} and
 * {@code phases.build.commands} become the step's install commands and commands, and the rest of the file (runtime
 * versions, environment, post_build) is merged in unchanged as the step's partial buildspec.
 */
public final class Buildspecs {

    private Buildspecs() {
    }

    /** One buildspec file, split the way a CDK Pipelines step takes it. */
    public record Buildspec(Path file, List<String> installCommands, List<String> commands, Map<String, Object> rest) {
    }

    public static Buildspec read(Path dir, String step) {
        Path file = dir.resolve(step + ".yml");
        Map<String, Object> doc = load(file);
        if (!"0.2".equals(String.valueOf(doc.get("version")))) {
            throw new EnvironmentConfigException(file + ": version: must be 0.2, got \"" + doc.get("version") + "\"");
        }
        Map<String, Object> rest = new LinkedHashMap<>(doc);
        Map<String, Object> phases = new LinkedHashMap<>(mapping(file, "phases", doc.get("phases")));
        List<String> install = takeCommands(file, phases, "install");
        List<String> build = takeCommands(file, phases, "build");
        if (build.isEmpty()) {
            throw new EnvironmentConfigException(file + ": phases.build.commands: missing (a step needs commands)");
        }
        if (phases.isEmpty()) {
            rest.remove("phases");
        } else {
            rest.put("phases", phases);
        }
        return new Buildspec(file, install, build, rest);
    }

    private static List<String> takeCommands(Path file, Map<String, Object> phases, String phase) {
        Object value = phases.get(phase);
        if (value == null) {
            return List.of();
        }
        Map<String, Object> p = new LinkedHashMap<>(mapping(file, "phases." + phase, value));
        Object commands = p.remove("commands");
        if (p.isEmpty()) {
            phases.remove(phase);
        } else {
            phases.put(phase, p);
        }
        if (commands == null) {
            return List.of();
        }
        if (!(commands instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
            throw new EnvironmentConfigException(file + ": phases." + phase + ".commands: must be a list of strings");
        }
        return list.stream().map(String.class::cast).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mapping(Path file, String key, Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new EnvironmentConfigException(file + ": " + key + ": must be a mapping");
        }
        return (Map<String, Object>) map;
    }

    private static Map<String, Object> load(Path file) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Object doc = new Yaml(new SafeConstructor(options)).load(r);
            return mapping(file, "(document)", doc);
        } catch (YAMLException e) {
            throw new EnvironmentConfigException(file + ": not valid YAML: "
                    + e.getMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new EnvironmentConfigException(file + ": cannot read (buildspecs live in pipelines/buildspecs/): "
                    + e);
        }
    }
}
