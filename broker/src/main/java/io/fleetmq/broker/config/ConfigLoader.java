package io.fleetmq.broker.config;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads a node's configuration, once, at start. Precedence, lowest first:
 * <ol>
 *   <li>the records' {@code defaults()}</li>
 *   <li>the YAML file ({@code --config FILE})</li>
 *   <li>{@code FLEETMQ_*} environment variables ({@code FLEETMQ_LISTENERS_TCP_PORT=1884})</li>
 *   <li>{@code --set KEY=VALUE} ({@code --set listeners.tcp.port=1884})</li>
 * </ol>
 * With a file, {@code auth.allowAnonymous} defaults to false (without one it stays true, the development default).
 * Every key is defined in {@link ConfigSchema}. Anything unknown, mistyped or out of range fails the whole load with a
 * one-line {@link ConfigException} naming the key and where the value came from; nothing is silently ignored.
 * The environment is passed in rather than read here, so tests need not touch the process environment.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    /**
     * @param fileOrNull   YAML file, or null for none (then {@link BrokerConfig#source()} is {@code "defaults"})
     * @param setOverrides {@code KEY=VALUE} strings from {@code --set}, applied in order (last wins)
     * @param env          the process environment; only {@code FLEETMQ_*} entries are looked at
     * @throws ConfigException when anything is wrong
     */
    public static BrokerConfig load(Path fileOrNull, List<String> setOverrides, Map<String, String> env) {
        Map<String, Object> values = ConfigSchema.valuesOf(BrokerConfig.defaults());
        String source = "defaults";
        if (fileOrNull != null) {
            // Anonymous access is a development convenience: a node started from a configuration file is a real
            // deployment, so it has to be switched on there explicitly.
            values.put("auth.allowAnonymous", Boolean.FALSE);
            readFile(fileOrNull, values);
            source = fileOrNull.toString();
        }
        applyEnv(env, values);
        applySets(setOverrides, values);
        BrokerConfig config = ConfigSchema.build(values, source);
        String bindingProblem = config.auth().clientIdBindingProblem();
        if (bindingProblem != null) {
            throw new ConfigException("auth.clientIdBinding: " + bindingProblem + " (from " + source + ")");
        }
        return config;
    }

    // ---------------------------------------------------------------- file

    private static void readFile(Path file, Map<String, Object> values) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(10);
        options.setAllowRecursiveKeys(false);
        Yaml yaml = new Yaml(new SafeConstructor(options));
        Node root;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = yaml.compose(reader);
        } catch (NoSuchFileException e) {
            throw new ConfigException("cannot read " + file + ": no such file");
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = mark == null ? "" : " line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
            String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
            throw new ConfigException("YAML syntax error in " + file + where + ": " + oneLine(problem), e);
        } catch (YAMLException e) {
            throw new ConfigException("cannot parse " + file + ": " + oneLine(e.getMessage()), e);
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + oneLine(String.valueOf(e.getMessage())), e);
        }
        if (root == null) {
            return; // empty file: all defaults
        }
        if (!(root instanceof MappingNode)) {
            throw new ConfigException("the top level of " + file + " must be a mapping of keys" + at(root));
        }
        walk(file, "", (MappingNode) root, values, new HashMap<>());
    }

    private static void walk(Path file, String prefix, MappingNode mapping, Map<String, Object> values,
                             Map<String, Integer> seenLines) {
        for (NodeTuple entry : mapping.getValue()) {
            Node keyNode = entry.getKeyNode();
            if (!(keyNode instanceof ScalarNode)) {
                throw new ConfigException("keys must be plain names in " + file + at(keyNode));
            }
            String name = prefix + ((ScalarNode) keyNode).getValue();
            int line = line(keyNode);
            Integer earlier = seenLines.putIfAbsent(name, line);
            if (earlier != null) {
                throw new ConfigException("duplicate key '" + name + "' in " + file + " line " + line
                        + " (first set on line " + earlier + ")");
            }
            Node valueNode = entry.getValueNode();
            if (ConfigSchema.isSection(name)) {
                if (!(valueNode instanceof MappingNode)) {
                    throw new ConfigException(name + ": must be a mapping of keys, in " + file + at(valueNode));
                }
                walk(file, name + ".", (MappingNode) valueNode, values, seenLines);
                continue;
            }
            ConfigSchema.Key key = ConfigSchema.key(name)
                    .orElseThrow(() -> unknownKey(name, file + " line " + line));
            if ((key.type() == ConfigSchema.Type.HOST_PORT_LIST || key.type() == ConfigSchema.Type.CIDR_LIST)
                    && valueNode instanceof SequenceNode seq) {
                // A YAML list of host:port entries or CIDR blocks is the same as the comma-separated form.
                List<String> items = new ArrayList<>();
                for (Node item : seq.getValue()) {
                    if (!(item instanceof ScalarNode)) {
                        throw new ConfigException(name + ": list entries must be single values (from " + file
                                + at(item) + ")");
                    }
                    items.add(((ScalarNode) item).getValue());
                }
                set(key, String.join(",", items), file + at(valueNode), values);
                continue;
            }
            if (!(valueNode instanceof ScalarNode)) {
                throw new ConfigException(name + ": must be a single value, not a list or mapping (from " + file
                        + at(valueNode) + ")");
            }
            ScalarNode scalar = (ScalarNode) valueNode;
            if (Tag.NULL.equals(scalar.getTag())) {
                throw new ConfigException(name + ": has no value (from " + file + at(valueNode)
                        + "); remove the line to keep the default");
            }
            set(key, scalar.getValue(), file + at(valueNode), values);
        }
    }

    // ---------------------------------------------------------------- environment and --set

    private static void applyEnv(Map<String, String> env, Map<String, Object> values) {
        // Sorted, so that with several mistakes the same one is always reported first.
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(ConfigSchema.ENV_PREFIX) || ConfigSchema.LAUNCHER_ENV.contains(name)) {
                continue;
            }
            ConfigSchema.Key key = ConfigSchema.keyForEnv(name).orElseThrow(() -> new ConfigException(
                    "unknown environment variable " + name
                            + ConfigSchema.suggestEnv(name).map(s -> " (did you mean " + s + "?)").orElse("")
                            + "; FLEETMQ_* variables must name a config key, or be one of "
                            + String.join(", ", new TreeSet<>(ConfigSchema.LAUNCHER_ENV))));
            set(key, e.getValue(), name, values);
        }
    }

    private static void applySets(List<String> sets, Map<String, Object> values) {
        if (sets == null) {
            return;
        }
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("--set " + ConfigSchema.quote(s) + ": expected KEY=VALUE, "
                        + "e.g. --set listeners.tcp.port=1884");
            }
            String name = s.substring(0, eq).trim();
            ConfigSchema.Key key = ConfigSchema.key(name).orElseThrow(() -> unknownKey(name, "--set"));
            set(key, s.substring(eq + 1), "--set", values);
        }
    }

    // ---------------------------------------------------------------- shared

    private static void set(ConfigSchema.Key key, String raw, String origin, Map<String, Object> values) {
        try {
            values.put(key.name(), key.parse(raw));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key.name() + ": " + e.getMessage() + " (from " + origin + ")");
        }
    }

    private static ConfigException unknownKey(String name, String origin) {
        return new ConfigException("unknown key '" + name + "' in " + origin
                + ConfigSchema.suggest(name).map(s -> " (did you mean '" + s + "'?)").orElse(""));
    }

    private static int line(Node node) {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    private static String at(Node node) {
        return node.getStartMark() == null ? "" : " line " + line(node);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
