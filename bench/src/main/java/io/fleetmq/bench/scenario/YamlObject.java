package io.fleetmq.bench.scenario;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed, line-aware access to one YAML mapping of a composed (not constructed) document, so every problem can name
 * its path and line. Type problems are collected, never thrown; a getter then returns null. Every key read or
 * allowed is remembered so {@link #rejectUnknownKeys()} can report the rest.
 */
final class YamlObject {
    private final String path;
    private final int line;
    private final Map<String, Node> values = new LinkedHashMap<>();
    private final Map<String, Integer> keyLines = new LinkedHashMap<>();
    private final Set<String> known = new TreeSet<>();
    private final List<Problem> problems;
    private final Map<String, Integer> lines;

    private YamlObject(String path, int line, List<Problem> problems, Map<String, Integer> lines) {
        this.path = path;
        this.line = line;
        this.problems = problems;
        this.lines = lines;
    }

    /** @param node a mapping; anything else is reported and yields an empty object */
    static YamlObject of(Node node, String path, List<Problem> problems, Map<String, Integer> lines) {
        YamlObject o = new YamlObject(path, lineOf(node), problems, lines);
        if (!(node instanceof MappingNode m)) {
            problems.add(new Problem(path, "must be a mapping, got " + describe(node), lineOf(node)));
            return o;
        }
        for (NodeTuple t : m.getValue()) {
            int keyLine = lineOf(t.getKeyNode());
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                problems.add(new Problem(path, "keys must be plain strings", keyLine));
                continue;
            }
            String key = k.getValue();
            if (o.values.containsKey(key)) {
                problems.add(new Problem(o.child(key), "duplicate key", keyLine));
                continue;
            }
            o.values.put(key, t.getValueNode());
            o.keyLines.put(key, keyLine);
            lines.put(o.child(key), keyLine);
        }
        lines.putIfAbsent(path, o.line);
        return o;
    }

    static int lineOf(Node node) {
        return node == null || node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    private static String describe(Node node) {
        if (node == null || node.getTag() == Tag.NULL) {
            return "nothing";
        }
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        return "'" + ((ScalarNode) node).getValue() + "'";
    }

    String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    int line() {
        return line;
    }

    /** The node under {@code key}, or null when absent; a required absent key is reported at this mapping's line. */
    private Node node(String key, boolean required) {
        known.add(key);
        Node n = values.get(key);
        if (n == null && required) {
            problems.add(new Problem(child(key), "is required", line));
        }
        return n;
    }

    private void bad(String key, String expected, Node n) {
        problems.add(new Problem(child(key), "must be " + expected + ", got " + describe(n), keyLines.get(key)));
    }

    private String scalar(String key, Node n, String expected) {
        if (n instanceof ScalarNode s && s.getTag() != Tag.NULL) {
            return s.getValue().trim();
        }
        bad(key, expected, n);
        return null;
    }

    String string(String key, boolean required, String fallback) {
        Node n = node(key, required);
        if (n == null) {
            return fallback;
        }
        return scalar(key, n, "a string");
    }

    /** A whole number; {@code _} separators are allowed ({@code 200_000}). */
    Long integer(String key, boolean required, Long fallback) {
        Node n = node(key, required);
        if (n == null) {
            return fallback;
        }
        String v = scalar(key, n, "a whole number");
        if (v == null) {
            return null;
        }
        String digits = v.replace("_", "");
        if (digits.matches("-?[0-9]{1,18}")) {
            return Long.parseLong(digits);
        }
        bad(key, "a whole number", n);
        return null;
    }

    Double number(String key, boolean required, Double fallback) {
        Node n = node(key, required);
        if (n == null) {
            return fallback;
        }
        String v = scalar(key, n, "a number");
        if (v == null) {
            return null;
        }
        try {
            double d = Double.parseDouble(v.replace("_", ""));
            if (Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        bad(key, "a number", n);
        return null;
    }

    Boolean bool(String key, boolean required, Boolean fallback) {
        Node n = node(key, required);
        if (n == null) {
            return fallback;
        }
        String v = scalar(key, n, "true or false");
        if ("true".equals(v) || "false".equals(v)) {
            return Boolean.valueOf(v);
        }
        if (v != null) {
            bad(key, "true or false", n);
        }
        return null;
    }

    /** A list of scalars; a single scalar counts as a list of one. */
    List<String> strings(String key, boolean required) {
        Node n = node(key, required);
        if (n == null) {
            return required ? null : List.of();
        }
        List<String> out = new ArrayList<>();
        if (n instanceof ScalarNode s && s.getTag() != Tag.NULL) {
            out.add(s.getValue().trim());
            lines.put(child(key) + "[0]", lineOf(n));
            return out;
        }
        if (!(n instanceof SequenceNode seq)) {
            bad(key, "a list", n);
            return null;
        }
        for (int i = 0; i < seq.getValue().size(); i++) {
            Node item = seq.getValue().get(i);
            String itemPath = child(key) + "[" + i + "]";
            lines.put(itemPath, lineOf(item));
            if (item instanceof ScalarNode s && s.getTag() != Tag.NULL) {
                out.add(s.getValue().trim());
            } else {
                problems.add(new Problem(itemPath, "must be a string, got " + describe(item), lineOf(item)));
            }
        }
        return out;
    }

    /** The mapping under {@code key}, or null when absent (reported if required). */
    YamlObject object(String key, boolean required) {
        Node n = node(key, required);
        if (n == null) {
            return null;
        }
        if (!(n instanceof MappingNode)) {
            bad(key, "a mapping", n);
            return null;
        }
        return of(n, child(key), problems, lines);
    }

    /** Reports every key that no getter asked for. Call after reading all fields. */
    void rejectUnknownKeys() {
        for (Map.Entry<String, Integer> e : keyLines.entrySet()) {
            if (!known.contains(e.getKey())) {
                problems.add(new Problem(child(e.getKey()), "unknown key (known here: " + String.join(", ", known)
                        + ")", e.getValue()));
            }
        }
    }
}
