package io.fleetmq.broker.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one table of configuration keys: name, type, default (read from the records' {@code defaults()}), range and
 * meaning. Parsing, validation, the {@code FLEETMQ_*} environment mapping, "did you mean" suggestions and the
 * documentation tables are all derived from it, so adding a key here is the only way to add a key.
 */
public final class ConfigSchema {

    /** Prefix of environment variables that set configuration keys. */
    public static final String ENV_PREFIX = "FLEETMQ_";

    /**
     * {@code FLEETMQ_*} variables the {@code fleetmq} launcher itself reads; they are not configuration keys and are
     * not rejected as unknown.
     */
    public static final Set<String> LAUNCHER_ENV = Set.of("FLEETMQ_JAVA_OPTS", "FLEETMQ_HOME");

    /** Value kinds; each knows how to read a string and how to print a value back in the same syntax. */
    public enum Type {
        STRING, BOOLEAN, INT, LONG, DURATION, HOST,
        /** Free text without control characters; may be empty (an optional setting left off). */
        TEXT,
        /** Comma-separated {@code host:port} entries; may be empty. Held as a {@code List<String>}. */
        HOST_PORT_LIST,
        /** One of the key's {@code choices}, any case (stored lower case). */
        CHOICE,
        /** A secret: 0-256 printable ASCII characters without spaces; empty means "not set". Never echoed. */
        TOKEN
    }

    /**
     * One configuration key.
     *
     * @param name        dotted camelCase path, mirroring the records ({@code listeners.tcp.port})
     * @param type        value kind
     * @param min         lowest allowed value (numbers: the value; durations: milliseconds); ignored otherwise
     * @param max         highest allowed value, same units as {@code min}
     * @param meaning     one sentence for the documentation
     * @param getter      reads this key's value from a typed config
     * @param choices     the accepted values of a {@link Type#CHOICE} key; empty otherwise
     */
    public record Key(String name, Type type, long min, long max, String meaning,
                      Function<BrokerConfig, Object> getter, List<String> choices) {

        /** The default, as held by {@link BrokerConfig#defaults()}. */
        public Object defaultValue() {
            return getter.apply(BrokerConfig.defaults());
        }

        /** {@code listeners.tcp.port} becomes {@code FLEETMQ_LISTENERS_TCP_PORT}. */
        public String envName() {
            return ENV_PREFIX + name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_').toUpperCase(Locale.ROOT);
        }

        /**
         * Parses and range-checks a raw value.
         *
         * @return the typed value (Integer, Long, Boolean, String or Duration)
         * @throws IllegalArgumentException with the reason, phrased to follow "{@code <key>: }"
         */
        public Object parse(String raw) {
            String v = raw.trim();
            switch (type) {
                case BOOLEAN:
                    if (v.equalsIgnoreCase("true")) {
                        return Boolean.TRUE;
                    }
                    if (v.equalsIgnoreCase("false")) {
                        return Boolean.FALSE;
                    }
                    throw new IllegalArgumentException("must be true or false, got " + quote(raw));
                case INT:
                case LONG: {
                    long n;
                    try {
                        n = Long.parseLong(v.replace("_", ""));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(
                                "must be an integer between " + min + " and " + max + ", got " + quote(raw));
                    }
                    if (n < min || n > max) {
                        throw new IllegalArgumentException(
                                "must be between " + min + " and " + max + ", got " + quote(raw));
                    }
                    return type == Type.INT ? (Object) (int) n : (Object) n;
                }
                case DURATION: {
                    Duration d = parseDuration(v);
                    if (d == null) {
                        throw new IllegalArgumentException("must be a duration such as 500ms, 10s, 2m, 1h "
                                + "or a whole number of seconds, got " + quote(raw));
                    }
                    if (d.toMillis() < min || d.toMillis() > max) {
                        throw new IllegalArgumentException("must be between " + formatDuration(Duration.ofMillis(min))
                                + " and " + formatDuration(Duration.ofMillis(max)) + ", got " + quote(raw));
                    }
                    return d;
                }
                case HOST:
                    if (v.isEmpty()) {
                        throw new IllegalArgumentException("must be an IP address or host name, got \"\"");
                    }
                    try {
                        InetAddress.getByName(v);
                    } catch (UnknownHostException | SecurityException e) {
                        throw new IllegalArgumentException(
                                "must be a literal IP address or a resolvable host name, got " + quote(raw));
                    }
                    return v;
                case TEXT:
                    for (int i = 0; i < v.length(); i++) {
                        if (Character.isISOControl(v.charAt(i))) {
                            throw new IllegalArgumentException("must not contain control characters, got "
                                    + quote(raw));
                        }
                    }
                    return v;
                case HOST_PORT_LIST:
                    return parseHostPortList(v, raw);
                case CHOICE: {
                    String lower = v.toLowerCase(Locale.ROOT);
                    if (!choices.contains(lower)) {
                        throw new IllegalArgumentException("must be one of " + String.join(", ", choices)
                                + ", got " + quote(raw));
                    }
                    return lower;
                }
                case TOKEN:
                    // The value is a secret: the message says what is wrong, never what was given.
                    if (v.length() > 256 || !v.chars().allMatch(ch -> ch > 0x20 && ch < 0x7F)) {
                        throw new IllegalArgumentException(
                                "must be at most 256 printable ASCII characters without spaces (value not shown)");
                    }
                    return v;
                case STRING:
                default:
                    if (!NODE_NAME.matcher(v).matches()) {
                        throw new IllegalArgumentException("must be 1-64 characters of letters, digits, '.', '_' "
                                + "or '-', starting with a letter or digit, got " + quote(raw));
                    }
                    return v;
            }
        }

        /** A value in the syntax {@link #parse} accepts (durations as {@code 10s}, not ISO-8601). */
        public String format(Object value) {
            if (value instanceof List<?> list) {
                return String.join(",", list.stream().map(String::valueOf).toList());
            }
            return value instanceof Duration ? formatDuration((Duration) value) : String.valueOf(value);
        }
    }

    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+):(\\d{1,5})");

    /** {@code a:1,b:2} into its entries; also accepts a YAML list already joined by the loader. */
    private static List<String> parseHostPortList(String v, String raw) {
        List<String> out = new ArrayList<>();
        if (v.isEmpty()) {
            return List.of();
        }
        for (String part : v.split(",")) {
            String entry = part.trim();
            Matcher m = HOST_PORT.matcher(entry);
            if (!m.matches() || Integer.parseInt(m.group(2)) > 65_535) {
                throw new IllegalArgumentException("must be comma-separated host:port entries such as "
                        + "10.0.0.1:7800,10.0.0.2:7800, got " + quote(raw) + " (bad entry " + quote(entry) + ")");
            }
            out.add(entry);
        }
        return List.copyOf(out);
    }

    private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h)?");
    private static final long HOUR_MS = 3_600_000L;
    private static final long UINT32_MAX = 4_294_967_295L;

    private static final List<Key> KEYS = List.of(
            key("nodeName", Type.STRING, 0, 0,
                    "Name of this node in logs, $SYS topics and (later) the cluster.", c -> c.nodeName()),

            key("listeners.tcp.enabled", Type.BOOLEAN, 0, 0,
                    "Whether the plain-TCP MQTT listener is started.", c -> c.listeners().tcp().enabled()),
            key("listeners.tcp.bind", Type.HOST, 0, 0,
                    "Address the TCP listener binds to: a literal IP (0.0.0.0 for all) or a resolvable host name.",
                    c -> c.listeners().tcp().bind()),
            key("listeners.tcp.port", Type.INT, 0, 65_535,
                    "TCP port; 0 asks the OS for a free port.", c -> c.listeners().tcp().port()),

            key("mqtt.maxPacketSize", Type.INT, 16, MqttConfig.PROTOCOL_MAX_PACKET_SIZE,
                    "Largest packet accepted, in bytes; larger packets are rejected before they are buffered.",
                    c -> c.mqtt().maxPacketSize()),
            key("mqtt.receiveMaximum", Type.INT, 1, 65_535,
                    "Unacknowledged QoS 1/2 PUBLISHes a client may send at once (v5).",
                    c -> c.mqtt().receiveMaximum()),
            key("mqtt.topicAliasMaximum", Type.INT, 0, 65_535,
                    "Topic aliases a client may use towards the broker (v5); 0 disables them.",
                    c -> c.mqtt().topicAliasMaximum()),
            key("mqtt.maxKeepAlive", Type.INT, 1, 65_535,
                    "Largest keep alive accepted, seconds; larger (or 0) requests are lowered (v5 Server Keep Alive).",
                    c -> c.mqtt().maxKeepAlive()),
            key("mqtt.maxQos", Type.INT, 0, 2,
                    "Highest QoS granted to subscriptions.", c -> c.mqtt().maxQos()),
            key("mqtt.retainAvailable", Type.BOOLEAN, 0, 0,
                    "Whether retained messages are stored.", c -> c.mqtt().retainAvailable()),
            key("mqtt.wildcardSubscriptionAvailable", Type.BOOLEAN, 0, 0,
                    "Whether '+' and '#' may appear in topic filters.", c -> c.mqtt().wildcardSubscriptionAvailable()),
            key("mqtt.sharedSubscriptionAvailable", Type.BOOLEAN, 0, 0,
                    "Whether $share/... filters are accepted.", c -> c.mqtt().sharedSubscriptionAvailable()),
            key("mqtt.subscriptionIdentifiersAvailable", Type.BOOLEAN, 0, 0,
                    "Whether v5 subscription identifiers are accepted.",
                    c -> c.mqtt().subscriptionIdentifiersAvailable()),
            key("mqtt.maxClientIdLength", Type.INT, 1, 65_535,
                    "Longest client identifier accepted, in bytes.", c -> c.mqtt().maxClientIdLength()),
            key("mqtt.connectTimeout", Type.DURATION, 1, HOUR_MS,
                    "Time a new connection has to send CONNECT.", c -> c.mqtt().connectTimeout()),

            key("sessions.maxExpiryInterval", Type.LONG, 0, UINT32_MAX,
                    "Upper bound for a session's expiry, seconds (also caps v3 clean-session=false sessions).",
                    c -> c.sessions().maxExpiryInterval()),
            key("sessions.maxInflightMessages", Type.INT, 1, 65_535,
                    "Outbound QoS 1/2 messages awaiting acknowledgement per session.",
                    c -> c.sessions().maxInflightMessages()),
            key("sessions.maxQueuedMessages", Type.INT, 0, 10_000_000,
                    "Messages waiting per session (offline, beyond the inflight window, or QoS 0 to a client reading too slowly); when full the newest is dropped and counted.",
                    c -> c.sessions().maxQueuedMessages()),
            key("sessions.queueQos0WhenOffline", Type.BOOLEAN, 0, 0,
                    "Whether QoS 0 messages are queued for offline persistent sessions.",
                    c -> c.sessions().queueQos0WhenOffline()),

            key("auth.allowAnonymous", Type.BOOLEAN, 0, 0,
                    "Whether clients may connect without credentials.", c -> c.auth().allowAnonymous()),

            key("sys.enabled", Type.BOOLEAN, 0, 0,
                    "Whether $SYS/broker/... topics are published.", c -> c.sys().enabled()),
            key("sys.interval", Type.DURATION, 1_000, 24 * HOUR_MS,
                    "How often $SYS topics are published (retained).", c -> c.sys().interval()),

            key("shutdown.gracePeriod", Type.DURATION, 0, HOUR_MS,
                    "On SIGTERM, how long clients get to receive what is in flight.",
                    c -> c.shutdown().gracePeriod()),

            key("transport.nativeEpoll", Type.BOOLEAN, 0, 0,
                    "Use the native epoll transport where available (falls back to NIO).",
                    c -> c.transport().nativeEpoll()),
            key("transport.ioThreads", Type.INT, 0, 1024,
                    "Event loop threads; 0 means Netty's default (2 x cores).", c -> c.transport().ioThreads()),

            key("cluster.enabled", Type.BOOLEAN, 0, 0,
                    "Whether this node joins a cluster (JGroups); nodeName must then be unique in the cluster.",
                    c -> c.cluster().enabled()),
            key("cluster.name", Type.STRING, 0, 0,
                    "Cluster name: only nodes with the same name form a cluster.", c -> c.cluster().name()),
            key("cluster.bind", Type.HOST, 0, 0,
                    "Address the node-to-node transport binds to and advertises to the other nodes (not 0.0.0.0).",
                    c -> c.cluster().bind()),
            key("cluster.port", Type.INT, 1, 65_535,
                    "Node-to-node TCP port.", c -> c.cluster().port()),
            key("cluster.seeds", Type.HOST_PORT_LIST, 0, 0,
                    "Static discovery: comma-separated host:port of cluster members (this node may be listed).",
                    c -> c.cluster().seeds()),
            key("cluster.dnsQuery", Type.TEXT, 0, 0,
                    "DNS discovery instead of seeds: a name whose A records are the members, e.g. a Kubernetes headless Service; empty to use seeds.",
                    c -> c.cluster().dnsQuery()),
            key("cluster.nodeLossTimeout", Type.DURATION, 1_000, 300_000,
                    "How long an unresponsive node stays a member; then the others drop its routes and clients.",
                    c -> c.cluster().nodeLossTimeout()),
            key("cluster.takeoverTimeout", Type.DURATION, 100, 60_000,
                    "How long a CONNECT with clean start 0 waits for other nodes to hand the client's session over.",
                    c -> c.cluster().takeoverTimeout()),
            key("cluster.drainRate", Type.INT, 1, 1_000_000,
                    "On SIGTERM, clients per second told to reconnect elsewhere (v5 DISCONNECT 0x9C), so they do not stampede.",
                    c -> c.cluster().drainRate()),
            key("cluster.drainTimeout", Type.DURATION, 0, HOUR_MS,
                    "Upper bound of a whole drain on SIGTERM; after it the node hands over what is left and exits.",
                    c -> c.cluster().drainTimeout()),

            key("http.enabled", Type.BOOLEAN, 0, 0,
                    "Whether the HTTP listener (/metrics, /healthz, /readyz, admin API) is started.",
                    c -> c.http().enabled()),
            key("http.bind", Type.HOST, 0, 0,
                    "Address the HTTP listener binds to (0.0.0.0 for all, e.g. for Prometheus and Kubernetes probes).",
                    c -> c.http().bind()),
            key("http.port", Type.INT, 0, 65_535,
                    "HTTP port; 0 asks the OS for a free port.", c -> c.http().port()),
            key("http.adminToken", Type.TOKEN, 0, 0,
                    "Bearer token for the admin API (/api/v1/...); when empty the admin API refuses every request "
                            + "(403). Prefer the environment variable over a file.",
                    c -> c.http().adminToken()),

            key("log.format", Type.CHOICE, 0, 0,
                    "Log line format on stdout; json writes one JSON object per line (for CloudWatch / Fluent Bit).",
                    c -> c.log().format(), LogConfig.TEXT, LogConfig.JSON));

    private static final Map<String, Key> BY_NAME;
    private static final Map<String, Key> BY_ENV;
    private static final Set<String> SECTIONS;

    static {
        Map<String, Key> byName = new LinkedHashMap<>();
        Map<String, Key> byEnv = new LinkedHashMap<>();
        Set<String> sections = new TreeSet<>();
        for (Key k : KEYS) {
            if (byName.put(k.name(), k) != null || byEnv.put(k.envName(), k) != null) {
                throw new IllegalStateException("duplicate config key " + k.name());
            }
            String n = k.name();
            for (int dot = n.indexOf('.'); dot > 0; dot = n.indexOf('.', dot + 1)) {
                sections.add(n.substring(0, dot));
            }
        }
        BY_NAME = Collections.unmodifiableMap(byName);
        BY_ENV = Collections.unmodifiableMap(byEnv);
        SECTIONS = Collections.unmodifiableSet(sections);
    }

    private ConfigSchema() {
    }

    private static Key key(String name, Type type, long min, long max, String meaning,
                           Function<BrokerConfig, Object> getter, String... choices) {
        return new Key(name, type, min, max, meaning, getter, List.of(choices));
    }

    /** Every key, in documentation order. */
    public static List<Key> keys() {
        return KEYS;
    }

    public static Optional<Key> key(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    public static Optional<Key> keyForEnv(String envName) {
        return Optional.ofNullable(BY_ENV.get(envName));
    }

    /** Whether {@code path} is a group of keys ({@code listeners}, {@code listeners.tcp}, {@code mqtt}, ...). */
    public static boolean isSection(String path) {
        return SECTIONS.contains(path);
    }

    /** Every key's value as held by {@code config}. */
    public static Map<String, Object> valuesOf(BrokerConfig config) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Key k : KEYS) {
            values.put(k.name(), k.getter().apply(config));
        }
        return values;
    }

    /** Builds the typed config from one value per key (as produced by {@link #valuesOf} and {@link Key#parse}). */
    public static BrokerConfig build(Map<String, Object> v, String source) {
        return new BrokerConfig(
                str(v, "nodeName"),
                new ListenersConfig(new TcpListenerConfig(
                        bool(v, "listeners.tcp.enabled"), str(v, "listeners.tcp.bind"), num(v, "listeners.tcp.port"))),
                new MqttConfig(
                        num(v, "mqtt.maxPacketSize"),
                        num(v, "mqtt.receiveMaximum"),
                        num(v, "mqtt.topicAliasMaximum"),
                        num(v, "mqtt.maxKeepAlive"),
                        num(v, "mqtt.maxQos"),
                        bool(v, "mqtt.retainAvailable"),
                        bool(v, "mqtt.wildcardSubscriptionAvailable"),
                        bool(v, "mqtt.sharedSubscriptionAvailable"),
                        bool(v, "mqtt.subscriptionIdentifiersAvailable"),
                        num(v, "mqtt.maxClientIdLength"),
                        dur(v, "mqtt.connectTimeout")),
                new SessionsConfig(
                        ((Number) get(v, "sessions.maxExpiryInterval")).longValue(),
                        num(v, "sessions.maxInflightMessages"),
                        num(v, "sessions.maxQueuedMessages"),
                        bool(v, "sessions.queueQos0WhenOffline")),
                new AuthConfig(bool(v, "auth.allowAnonymous")),
                new SysConfig(bool(v, "sys.enabled"), dur(v, "sys.interval")),
                new ShutdownConfig(dur(v, "shutdown.gracePeriod")),
                new TransportConfig(bool(v, "transport.nativeEpoll"), num(v, "transport.ioThreads")),
                new ClusterConfig(
                        bool(v, "cluster.enabled"),
                        str(v, "cluster.name"),
                        str(v, "cluster.bind"),
                        num(v, "cluster.port"),
                        list(v, "cluster.seeds"),
                        str(v, "cluster.dnsQuery"),
                        dur(v, "cluster.nodeLossTimeout"),
                        dur(v, "cluster.takeoverTimeout"),
                        num(v, "cluster.drainRate"),
                        dur(v, "cluster.drainTimeout")),
                new HttpConfig(bool(v, "http.enabled"), str(v, "http.bind"), num(v, "http.port"),
                        str(v, "http.adminToken")),
                new LogConfig(str(v, "log.format")),
                source);
    }

    /**
     * The closest known key to a mistyped one: small edit distance, or the same last segment in another section
     * ({@code mqtt.port} suggests {@code listeners.tcp.port}).
     */
    public static Optional<String> suggest(String unknown) {
        List<String> candidates = new ArrayList<>(BY_NAME.keySet());
        candidates.addAll(SECTIONS);
        return closest(unknown, candidates);
    }

    /** As {@link #suggest}, for a {@code FLEETMQ_*} variable name. */
    public static Optional<String> suggestEnv(String unknown) {
        return closest(unknown, new ArrayList<>(BY_ENV.keySet()));
    }

    private static Optional<String> closest(String unknown, List<String> candidates) {
        String u = unknown.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = editDistance(u, c.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        if (best != null && bestDistance <= Math.max(2, u.length() / 4)) {
            return Optional.of(best);
        }
        String last = lastSegment(u);
        for (String c : candidates) {
            if (lastSegment(c.toLowerCase(Locale.ROOT)).equals(last)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    private static String lastSegment(String s) {
        int i = Math.max(s.lastIndexOf('.'), s.lastIndexOf('_'));
        return s.substring(i + 1);
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h} or whole seconds; null when malformed. */
    static Duration parseDuration(String s) {
        Matcher m = DURATION.matcher(s);
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        switch (unit) {
            case "ms":
                return Duration.ofMillis(n);
            case "m":
                return Duration.ofMinutes(n);
            case "h":
                return Duration.ofHours(n);
            default:
                return Duration.ofSeconds(n);
        }
    }

    /** The shortest exact form: {@code 1h}, {@code 2m}, {@code 10s}, {@code 500ms}. */
    public static String formatDuration(Duration d) {
        long ms = d.toMillis();
        if (ms != 0 && ms % HOUR_MS == 0) {
            return ms / HOUR_MS + "h";
        }
        if (ms != 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    /** The reference table used in README.md and docs/configuration.md (a test keeps both in step with this). */
    public static String markdownTable() {
        StringBuilder sb = new StringBuilder();
        sb.append("| Key | Default | Meaning | Environment variable |\n");
        sb.append("|-----|---------|---------|----------------------|\n");
        for (Key k : KEYS) {
            String dflt = k.format(k.defaultValue());
            sb.append("| `").append(k.name()).append("` | ").append(dflt.isEmpty() ? "(none)" : "`" + dflt + "`")
                    .append(" | ")
                    .append(k.meaning()).append(rangeNote(k)).append(" | `").append(k.envName()).append("` |\n");
        }
        return sb.toString();
    }

    private static String rangeNote(Key k) {
        switch (k.type()) {
            case INT:
            case LONG:
                return " Range " + k.min() + "-" + k.max() + ".";
            case DURATION:
                return " Range " + formatDuration(Duration.ofMillis(k.min())) + "-"
                        + formatDuration(Duration.ofMillis(k.max())) + ".";
            case CHOICE:
                return " One of " + String.join(", ", k.choices()) + ".";
            default:
                return "";
        }
    }

    static String quote(String raw) {
        return "\"" + raw.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r")
                + "\"";
    }

    private static Object get(Map<String, Object> v, String name) {
        Object o = v.get(name);
        if (o == null) {
            throw new IllegalStateException("no value for " + name);
        }
        return o;
    }

    private static String str(Map<String, Object> v, String name) {
        return (String) get(v, name);
    }

    private static boolean bool(Map<String, Object> v, String name) {
        return (Boolean) get(v, name);
    }

    private static int num(Map<String, Object> v, String name) {
        return ((Number) get(v, name)).intValue();
    }

    @SuppressWarnings("unchecked")
    private static List<String> list(Map<String, Object> v, String name) {
        return (List<String>) get(v, name);
    }

    private static Duration dur(Map<String, Object> v, String name) {
        return (Duration) get(v, name);
    }
}
