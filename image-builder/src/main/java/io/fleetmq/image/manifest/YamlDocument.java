package io.fleetmq.image.manifest;

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

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML file read as a node tree so every value keeps its line: the manifest parser and the role reader both
 * report {@code FILE:LINE: KEY: problem}. Duplicate keys, aliases bombs and recursive keys are refused up front.
 */
public final class YamlDocument {

    private final String file;

    private YamlDocument(String file) {
        this.file = file;
    }

    /** Parses {@code text}; {@code file} is how the file is named in messages. Returns null for an empty file. */
    public static Value parse(String file, String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(10);
        options.setAllowRecursiveKeys(false);
        Node root;
        try {
            root = new Yaml(new SafeConstructor(options)).compose(new java.io.StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
            throw new ManifestException(file, mark == null ? 1 : mark.getLine() + 1, "(yaml)",
                    "YAML syntax error: " + String.valueOf(problem).replace('\n', ' ').trim());
        } catch (YAMLException e) {
            throw new ManifestException(file, 1, "(yaml)", "YAML error: " + e.getMessage().replace('\n', ' '));
        }
        return root == null ? null : new YamlDocument(file).wrap(root, "");
    }

    private Value wrap(Node node, String key) {
        return new Value(this, node, key, -1);
    }

    /** One node with its key path ({@code roles[0].vars.fleetmq_broker_node_name}) and line. */
    public static final class Value {
        private final YamlDocument doc;
        private final Node node;
        private final String key;
        private final int keyLine;

        /** {@code keyLine}: 1-based line of the key this value belongs to, or -1 for list items and the root. */
        private Value(YamlDocument doc, Node node, String key, int keyLine) {
            this.doc = doc;
            this.node = node;
            this.key = key;
            this.keyLine = keyLine;
        }

        public String file() {
            return doc.file;
        }

        public String key() {
            return key.isEmpty() ? "(document)" : key;
        }

        /** The line of the key (a nested mapping starts on the next line, but the key is what a reader looks for). */
        public int line() {
            return keyLine > 0 ? keyLine : node.getStartMark().getLine() + 1;
        }

        public ManifestException error(String problem) {
            return new ManifestException(doc.file, line(), key(), problem);
        }

        public boolean isMapping() {
            return node instanceof MappingNode;
        }

        public boolean isSequence() {
            return node instanceof SequenceNode;
        }

        public boolean isScalar() {
            return node instanceof ScalarNode;
        }

        /** Entries of a mapping in file order; keys must be plain strings. */
        public Map<String, Value> mapping() {
            if (!(node instanceof MappingNode map)) {
                throw error("must be a mapping (key: value lines), got " + kind());
            }
            Map<String, Value> out = new LinkedHashMap<>();
            for (NodeTuple t : map.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode k) || !Tag.STR.equals(k.getTag())) {
                    throw new ManifestException(doc.file, t.getKeyNode().getStartMark().getLine() + 1, key(),
                            "keys must be plain strings");
                }
                String childKey = key.isEmpty() ? k.getValue() : key + "." + k.getValue();
                int line = k.getStartMark().getLine() + 1;
                // compose() keeps duplicate keys (only the constructor would refuse them), so check here.
                Value earlier = out.get(k.getValue());
                if (earlier != null) {
                    throw new ManifestException(doc.file, line, childKey,
                            "duplicate key " + k.getValue() + " (first on line " + earlier.line() + ")");
                }
                out.put(k.getValue(), new Value(doc, t.getValueNode(), childKey, line));
            }
            return out;
        }

        /** Entries of a mapping, refusing any key not in {@code allowed}. */
        public Map<String, Value> mapping(List<String> allowed) {
            Map<String, Value> m = mapping();
            for (Map.Entry<String, Value> e : m.entrySet()) {
                if (!allowed.contains(e.getKey())) {
                    throw e.getValue().error("unknown key" + Suggestions.didYouMean(e.getKey(), allowed)
                            + "; allowed here: " + String.join(", ", allowed));
                }
            }
            return m;
        }

        public List<Value> sequence() {
            if (!(node instanceof SequenceNode seq)) {
                throw error("must be a list, got " + kind());
            }
            List<Value> out = new ArrayList<>();
            List<Node> items = seq.getValue();
            for (int i = 0; i < items.size(); i++) {
                out.add(doc.wrap(items.get(i), key + "[" + i + "]"));
            }
            return out;
        }

        /** A non-empty string scalar (quoted or plain); numbers and booleans are refused to avoid YAML surprises. */
        public String string() {
            if (!(node instanceof ScalarNode s) || !Tag.STR.equals(s.getTag())) {
                throw error("must be a string, got " + kind());
            }
            if (s.getValue().isBlank()) {
                throw error("must not be empty");
            }
            return s.getValue();
        }

        public boolean bool() {
            if (!(node instanceof ScalarNode s) || !Tag.BOOL.equals(s.getTag())
                    || !(s.getValue().equals("true") || s.getValue().equals("false"))) {
                throw error("must be true or false, got " + kind());
            }
            return Boolean.parseBoolean(s.getValue());
        }

        public long integer() {
            if (!(node instanceof ScalarNode s) || !Tag.INT.equals(s.getTag())) {
                throw error("must be an integer, got " + kind());
            }
            try {
                return Long.parseLong(s.getValue().replace("_", ""));
            } catch (NumberFormatException e) {
                throw error("must be a decimal integer, got \"" + s.getValue() + "\"");
            }
        }

        public List<String> strings() {
            List<String> out = new ArrayList<>();
            for (Value v : sequence()) {
                out.add(v.string());
            }
            return List.copyOf(out);
        }

        /**
         * The plain Java value (String, Long, Boolean, Double, List, Map; null for YAML null), for role variables,
         * whose types are checked against the role's defaults.
         */
        public Object plain() {
            if (node instanceof MappingNode) {
                Map<String, Object> out = new LinkedHashMap<>();
                mapping().forEach((k, v) -> out.put(k, v.plain()));
                return out;
            }
            if (node instanceof SequenceNode) {
                List<Object> out = new ArrayList<>();
                sequence().forEach(v -> out.add(v.plain()));
                return out;
            }
            ScalarNode s = (ScalarNode) node;
            Tag tag = s.getTag();
            if (Tag.NULL.equals(tag)) {
                return null;
            }
            if (Tag.BOOL.equals(tag)) {
                return bool();
            }
            if (Tag.INT.equals(tag)) {
                return integer();
            }
            if (Tag.FLOAT.equals(tag)) {
                return Double.parseDouble(s.getValue().replace("_", ""));
            }
            return s.getValue();
        }

        /** What the node is, in the words of an error message. */
        public String kind() {
            if (node instanceof MappingNode) {
                return "a mapping";
            }
            if (node instanceof SequenceNode) {
                return "a list";
            }
            ScalarNode s = (ScalarNode) node;
            Tag tag = s.getTag();
            String type = Tag.INT.equals(tag) ? "integer" : Tag.BOOL.equals(tag) ? "boolean"
                    : Tag.FLOAT.equals(tag) ? "number" : Tag.NULL.equals(tag) ? "nothing (null)" : "string";
            return Tag.NULL.equals(tag) ? type : type + " \"" + s.getValue() + "\"";
        }
    }
}
