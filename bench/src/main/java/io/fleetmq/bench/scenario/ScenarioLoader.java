package io.fleetmq.bench.scenario;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a scenario file: YAML (SafeConstructor's composer only: no object construction, no tags) into
 * {@link Scenario} records, then runs the {@link ScenarioValidator}. Every problem of both steps is returned at once;
 * the scenario is only returned when there is none.
 */
public final class ScenarioLoader {
    private static final Pattern DURATION = Pattern.compile("([0-9]+)(ms|s|m|h)");
    private static final Pattern IPV4 = Pattern.compile("([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})");
    /** More source addresses than this from one range is a typo, not a plan. */
    private static final int MAX_RANGE = 4096;

    /** The outcome: {@code scenario} is null whenever {@code problems} is not empty. */
    public record Loaded(String file, Scenario scenario, List<Problem> problems) {
        public Loaded {
            problems = List.copyOf(problems);
        }

        public boolean ok() {
            return problems.isEmpty();
        }

        /** One line per problem: {@code file: path: message (line N)}. */
        public List<String> messages() {
            return problems.stream().map(p -> p.format(file)).toList();
        }
    }

    private final List<Problem> problems = new ArrayList<>();
    private final Map<String, Integer> lines = new HashMap<>();

    private ScenarioLoader() {
    }

    public static Loaded load(Path file) {
        String label = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return new Loaded(label, null, List.of(new Problem("", "cannot read " + file + ": "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), 0)));
        }
        return parse(label, text);
    }

    /** @param file the name problems are reported under */
    public static Loaded parse(String file, String text) {
        return new ScenarioLoader().read(file, text);
    }

    private Loaded read(String file, String text) {
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowRecursiveKeys(false);
            root = new Yaml(new SafeConstructor(options)).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark();
            String msg = (e.getContext() == null ? "" : e.getContext() + ": ") + e.getProblem();
            return new Loaded(file, null, List.of(new Problem("", "not valid YAML: " + msg.replaceAll("\\s+", " "),
                    m == null ? 0 : m.getLine() + 1)));
        } catch (YAMLException e) {
            return new Loaded(file, null, List.of(new Problem("", "not valid YAML: " + e.getMessage(), 0)));
        }
        if (root == null) {
            return new Loaded(file, null, List.of(new Problem("", "is empty", 0)));
        }
        YamlObject top = YamlObject.of(root, "", problems, lines);
        String apiVersion = top.string("apiVersion", true, null);
        String kind = top.string("kind", true, null);
        String name = null;
        YamlObject metadata = top.object("metadata", true);
        if (metadata != null) {
            name = metadata.string("name", true, null);
            metadata.rejectUnknownKeys();
        }
        Scenario.Spec spec = null;
        YamlObject s = top.object("spec", true);
        if (s != null) {
            spec = spec(s);
        }
        top.rejectUnknownKeys();
        Scenario scenario = new Scenario(apiVersion, kind, name, spec);
        problems.addAll(ScenarioValidator.validate(scenario, this::lineOf));
        return new Loaded(file, problems.isEmpty() ? scenario : null, problems);
    }

    /** The line of {@code path}, else of its nearest parent that has one (missing keys). */
    int lineOf(String path) {
        for (String p = path; ; ) {
            Integer l = lines.get(p);
            if (l != null) {
                return l;
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            if (cut <= 0) {
                return 0;
            }
            p = p.substring(0, cut);
        }
    }

    private Scenario.Spec spec(YamlObject s) {
        List<Scenario.Endpoint> brokers = endpoints(s, s.strings("brokers", true));
        Scenario.Subscribers subs = null;
        YamlObject so = s.object("subscribers", true);
        if (so != null) {
            subs = subscribers(so);
        }
        Scenario.Publishers pubs = null;
        YamlObject po = s.object("publishers", true);
        if (po != null) {
            pubs = publishers(po);
        }
        Duration duration = duration(s, "duration", true, null);
        Duration warmup = duration(s, "warmup", false, Duration.ofSeconds(2));
        Duration drain = duration(s, "drain", false, Duration.ofSeconds(10));
        Scenario.Slo slo = null;
        YamlObject sl = s.object("slo", true);
        if (sl != null) {
            slo = new Scenario.Slo(sl.number("minReceiveRatio", false, null),
                    sl.number("maxP99LatencyMs", false, null), sl.integer("maxConnectFailures", false, null));
            sl.rejectUnknownKeys();
        }
        s.rejectUnknownKeys();
        return new Scenario.Spec(brokers, subs, pubs, duration, warmup, drain, slo);
    }

    private Scenario.Subscribers subscribers(YamlObject o) {
        Long count = o.integer("count", true, null);
        String topic = o.string("topic", true, null);
        Long qos = o.integer("qos", false, 0L);
        Long version = o.integer("protocolVersion", false, 5L);
        Boolean clean = o.bool("cleanSession", false, true);
        Long expiry = o.integer("sessionExpiry", false, 0L);
        Long workers = o.integer("workers", false, 1L);
        List<String> ifaddr = ifaddrs(o, o.strings("ifaddr", false));
        Long rate = o.integer("connectRate", false, 500L);
        o.rejectUnknownKeys();
        if (anyNull(count, topic, qos, version, clean, expiry, workers, ifaddr, rate)) {
            return null;
        }
        return new Scenario.Subscribers(toInt(o, "count", count), topic, toInt(o, "qos", qos),
                toInt(o, "protocolVersion", version), clean, expiry, toInt(o, "workers", workers), ifaddr,
                toInt(o, "connectRate", rate));
    }

    private Scenario.Publishers publishers(YamlObject o) {
        Long count = o.integer("count", true, null);
        String topic = o.string("topic", true, null);
        Long qos = o.integer("qos", false, 0L);
        Long version = o.integer("protocolVersion", false, 5L);
        Long size = o.integer("payloadSize", false, 256L);
        Long interval = o.integer("intervalMs", false, 1000L);
        Long limit = o.integer("messageLimit", false, 0L);
        Long inflight = o.integer("inflight", false, 1L);
        Long workers = o.integer("workers", false, 1L);
        Long rate = o.integer("connectRate", false, 100L);
        o.rejectUnknownKeys();
        if (anyNull(count, topic, qos, version, size, interval, limit, inflight, workers, rate)) {
            return null;
        }
        return new Scenario.Publishers(toInt(o, "count", count), topic, toInt(o, "qos", qos),
                toInt(o, "protocolVersion", version), toInt(o, "payloadSize", size), interval, limit,
                toInt(o, "inflight", inflight), toInt(o, "workers", workers), toInt(o, "connectRate", rate));
    }

    private int toInt(YamlObject o, String key, long v) {
        if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
            problems.add(new Problem(o.child(key), "is out of range, got " + v, lineOf(o.child(key))));
            return 0;
        }
        return (int) v;
    }

    private static boolean anyNull(Object... values) {
        for (Object v : values) {
            if (v == null) {
                return true;
            }
        }
        return false;
    }

    /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, or combined: {@code 1m30s}. */
    private Duration duration(YamlObject o, String key, boolean required, Duration fallback) {
        String v = o.string(key, required, null);
        if (v == null) {
            return required ? null : fallback;
        }
        Matcher m = DURATION.matcher(v);
        Duration d = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            d = d.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            });
            end = m.end();
        }
        if (end == 0 || end != v.length()) {
            String path = o.child(key);
            problems.add(new Problem(path, "must be a duration like 90s, 5m or 1m30s, got '" + v + "'", lineOf(path)));
            return null;
        }
        return d;
    }

    /** {@code host:port}, {@code [v6]:port}. */
    private List<Scenario.Endpoint> endpoints(YamlObject o, List<String> items) {
        if (items == null) {
            return null;
        }
        List<Scenario.Endpoint> out = new ArrayList<>();
        boolean bad = false;
        for (int i = 0; i < items.size(); i++) {
            String path = o.child("brokers") + "[" + i + "]";
            Scenario.Endpoint e = endpoint(items.get(i));
            if (e == null) {
                problems.add(new Problem(path, ENDPOINT_RULE + ", got '" + items.get(i) + "'", lineOf(path)));
                bad = true;
            } else {
                out.add(e);
            }
        }
        return bad ? null : out;
    }

    static final String ENDPOINT_RULE = "must be host:port with a port of 1..65535";

    /** {@code host:port} or {@code [v6]:port}; null when it is neither. */
    public static Scenario.Endpoint endpoint(String v) {
        String t = v.trim();
        int colon = t.lastIndexOf(':');
        String host = colon > 0 ? t.substring(0, colon) : "";
        boolean bracketed = host.startsWith("[") && host.endsWith("]");
        if (bracketed) {
            host = host.substring(1, host.length() - 1);
        }
        String port = colon > 0 ? t.substring(colon + 1) : "";
        int p = port.matches("[0-9]{1,5}") ? Integer.parseInt(port) : -1;
        if (host.isBlank() || p < 1 || p > 65535 || host.contains(":") && !bracketed || host.contains(" ")) {
            return null;
        }
        return new Scenario.Endpoint(host, p);
    }

    /** Literal addresses only (no DNS), and IPv4 ranges {@code 10.0.0.10-10.0.0.21}, expanded. */
    private List<String> ifaddrs(YamlObject o, List<String> items) {
        if (items == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String v = items.get(i);
            String path = o.child("ifaddr") + "[" + i + "]";
            String[] range = v.split("-", -1);
            long from = ipv4(range[0].trim());
            long to = range.length == 2 ? ipv4(range[1].trim()) : from;
            if (range.length > 2 || from < 0 || to < 0) {
                problems.add(new Problem(path, "must be an IPv4 address or range A-B, got '" + v + "'",
                        lineOf(path)));
            } else if (to < from || to - from >= MAX_RANGE) {
                problems.add(new Problem(path, "range must go upwards and hold at most " + MAX_RANGE
                        + " addresses, got '" + v + "'", lineOf(path)));
            } else {
                for (long a = from; a <= to; a++) {
                    out.add((a >> 24 & 255) + "." + (a >> 16 & 255) + "." + (a >> 8 & 255) + "." + (a & 255));
                }
            }
        }
        return out;
    }

    private static long ipv4(String s) {
        Matcher m = IPV4.matcher(s);
        if (!m.matches()) {
            return -1;
        }
        long a = 0;
        for (int g = 1; g <= 4; g++) {
            int octet = Integer.parseInt(m.group(g));
            if (octet > 255) {
                return -1;
            }
            a = a << 8 | octet;
        }
        return a;
    }
}
