package io.fleetmq.broker.config;

import io.fleetmq.broker.auth.AddressBlock;

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

    /**
     * Value kinds; each knows how to read a string and how to print a value back in the same syntax. PATH is a file
     * name (empty for none; the subsystem that reads the file reports what is wrong with it), ENUM one of
     * {@link Key#choices()} (lower case), LIST comma-separated words (empty for none).
     */
    public enum Type {
        STRING, BOOLEAN, INT, LONG, DURATION, HOST, PATH, ENUM, LIST,
        /** Free text without control characters; may be empty (an optional setting left off). */
        TEXT,
        /** Comma-separated {@code host:port} entries; may be empty. Held as a {@code List<String>}. */
        HOST_PORT_LIST,
        /** A secret: 0-256 printable ASCII characters without spaces; empty means "not set". Never echoed. */
        TOKEN,
        /** Comma-separated literal IPv4/IPv6 CIDR blocks ({@code 10.0.0.0/16,::1/128}); may be empty. */
        CIDR_LIST
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
     * @param choices     the allowed values of an ENUM key, lower case; empty otherwise
     */
    public record Key(String name, Type type, long min, long max, String meaning,
                      Function<BrokerConfig, Object> getter, List<String> choices) {

        public Key {
            choices = List.copyOf(choices);
        }

        public Key(String name, Type type, long min, long max, String meaning, Function<BrokerConfig, Object> getter) {
            this(name, type, min, max, meaning, getter, List.of());
        }

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
                case CIDR_LIST:
                    return parseCidrList(v);
                case PATH:
                    if (v.indexOf('\0') >= 0) {
                        throw new IllegalArgumentException("must be a file name, got " + quote(raw));
                    }
                    return v;
                case ENUM: {
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
                case LIST: {
                    List<String> items = new ArrayList<>();
                    for (String item : v.split(",")) {
                        String t = item.trim();
                        if (t.isEmpty()) {
                            continue;
                        }
                        if (!LIST_ITEM.matcher(t).matches()) {
                            throw new IllegalArgumentException("must be a comma-separated list of names (letters, "
                                    + "digits and . _ - : / @), got " + quote(raw));
                        }
                        items.add(t);
                    }
                    return List.copyOf(items);
                }
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
            if (value instanceof Duration d) {
                return formatDuration(d);
            }
            if (value instanceof List<?> list) {
                return list.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElse("");
            }
            return String.valueOf(value);
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

    /** {@code 10.0.0.0/16, ::1/128} into its blocks, each checked (literal addresses only: no DNS). */
    private static List<String> parseCidrList(String v) {
        List<String> out = new ArrayList<>();
        for (String part : v.split(",")) {
            String entry = part.trim();
            if (entry.isEmpty()) {
                continue;
            }
            try {
                AddressBlock.parse(entry);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("must be comma-separated CIDR blocks such as "
                        + "10.0.0.0/16,::1/128: " + e.getMessage());
            }
            out.add(entry);
        }
        return List.copyOf(out);
    }

    private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern LIST_ITEM = Pattern.compile("[A-Za-z0-9._:/@-]{1,256}");
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
            key("listeners.tcp.proxyProtocol", Type.BOOLEAN, 0, 0,
                    "Require a PROXY protocol v1/v2 header (HAProxy, AWS NLB) on every connection; one without it is closed.",
                    c -> c.listeners().tcp().proxyProtocol()),
            key("listeners.tcp.proxyProtocolTrustedNetworks", Type.CIDR_LIST, 0, 0,
                    "Source networks (comma-separated CIDRs) allowed to send a PROXY header; a connection from any other peer is closed unread.",
                    c -> c.listeners().tcp().proxyProtocolTrustedNetworks()),
            key("listeners.tcp.maxConnections", Type.INT, 0, 10_000_000,
                    "Open connections allowed on this listener (CONNACK 0x89 Server busy beyond); 0 for no bound.",
                    c -> c.listeners().tcp().maxConnections()),

            key("listeners.tls.enabled", Type.BOOLEAN, 0, 0,
                    "Whether the MQTT-over-TLS listener is started (needs tls.certFile and tls.keyFile).",
                    c -> c.listeners().tls().enabled()),
            key("listeners.tls.bind", Type.HOST, 0, 0,
                    "Address the TLS listener binds to.", c -> c.listeners().tls().bind()),
            key("listeners.tls.port", Type.INT, 0, 65_535,
                    "TLS port; 0 asks the OS for a free port.", c -> c.listeners().tls().port()),
            key("listeners.tls.proxyProtocol", Type.BOOLEAN, 0, 0,
                    "Require a PROXY protocol v1/v2 header before the TLS handshake.",
                    c -> c.listeners().tls().proxyProtocol()),
            key("listeners.tls.proxyProtocolTrustedNetworks", Type.CIDR_LIST, 0, 0,
                    "As listeners.tcp.proxyProtocolTrustedNetworks, for this listener.",
                    c -> c.listeners().tls().proxyProtocolTrustedNetworks()),
            key("listeners.tls.maxConnections", Type.INT, 0, 10_000_000,
                    "Open connections allowed on this listener; 0 for no bound.",
                    c -> c.listeners().tls().maxConnections()),
            enumKey("listeners.tls.clientAuth", List.of("none", "optional", "required"),
                    "Client certificates (mTLS): not asked for, verified when sent, or required; verified against tls.caFile.",
                    c -> lower(c.listeners().tls().clientAuth())),

            key("listeners.ws.enabled", Type.BOOLEAN, 0, 0,
                    "Whether the MQTT-over-WebSocket listener (path /mqtt, subprotocol mqtt) is started.",
                    c -> c.listeners().ws().enabled()),
            key("listeners.ws.bind", Type.HOST, 0, 0,
                    "Address the WebSocket listener binds to.", c -> c.listeners().ws().bind()),
            key("listeners.ws.port", Type.INT, 0, 65_535,
                    "WebSocket port; 0 asks the OS for a free port.", c -> c.listeners().ws().port()),
            key("listeners.ws.proxyProtocol", Type.BOOLEAN, 0, 0,
                    "Require a PROXY protocol v1/v2 header before the HTTP upgrade.",
                    c -> c.listeners().ws().proxyProtocol()),
            key("listeners.ws.proxyProtocolTrustedNetworks", Type.CIDR_LIST, 0, 0,
                    "As listeners.tcp.proxyProtocolTrustedNetworks, for this listener.",
                    c -> c.listeners().ws().proxyProtocolTrustedNetworks()),
            key("listeners.ws.maxConnections", Type.INT, 0, 10_000_000,
                    "Open connections allowed on this listener; 0 for no bound.",
                    c -> c.listeners().ws().maxConnections()),

            key("listeners.wss.enabled", Type.BOOLEAN, 0, 0,
                    "Whether the WebSocket-over-TLS listener (path /mqtt, subprotocol mqtt) is started.",
                    c -> c.listeners().wss().enabled()),
            key("listeners.wss.bind", Type.HOST, 0, 0,
                    "Address the WSS listener binds to.", c -> c.listeners().wss().bind()),
            key("listeners.wss.port", Type.INT, 0, 65_535,
                    "WSS port; 0 asks the OS for a free port.", c -> c.listeners().wss().port()),
            key("listeners.wss.proxyProtocol", Type.BOOLEAN, 0, 0,
                    "Require a PROXY protocol v1/v2 header before the TLS handshake.",
                    c -> c.listeners().wss().proxyProtocol()),
            key("listeners.wss.proxyProtocolTrustedNetworks", Type.CIDR_LIST, 0, 0,
                    "As listeners.tcp.proxyProtocolTrustedNetworks, for this listener.",
                    c -> c.listeners().wss().proxyProtocolTrustedNetworks()),
            key("listeners.wss.maxConnections", Type.INT, 0, 10_000_000,
                    "Open connections allowed on this listener; 0 for no bound.",
                    c -> c.listeners().wss().maxConnections()),
            enumKey("listeners.wss.clientAuth", List.of("none", "optional", "required"),
                    "Client certificates on the WSS listener: none, optional or required.",
                    c -> lower(c.listeners().wss().clientAuth())),

            key("tls.certFile", Type.PATH, 0, 0,
                    "PEM certificate chain of the TLS and WSS listeners, leaf first.", c -> c.tls().certFile()),
            key("tls.keyFile", Type.PATH, 0, 0,
                    "PEM private key of that certificate (PKCS#8, or PKCS#1/SEC1), unencrypted.",
                    c -> c.tls().keyFile()),
            key("tls.caFile", Type.PATH, 0, 0,
                    "PEM bundle of the CAs client certificates are verified against; a CA removed from it is no longer trusted after reload.",
                    c -> c.tls().caFile()),
            key("tls.protocols", Type.LIST, 0, 0,
                    "TLS versions offered, comma-separated.", c -> c.tls().protocols()),
            key("tls.ciphers", Type.LIST, 0, 0,
                    "Cipher suites offered, comma-separated (JDK names); empty for the JDK defaults.",
                    c -> c.tls().ciphers()),
            key("tls.reloadInterval", Type.DURATION, 100, HOUR_MS,
                    "How often the certificate, key and CA files are checked for changes; new connections get the new files, open ones are kept.",
                    c -> c.tls().reloadInterval()),

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
                    "Whether clients may connect without credentials. True only without a config file: with --config FILE it is false unless set.",
                    c -> c.auth().allowAnonymous()),
            key("auth.passwordFile", Type.PATH, 0, 0,
                    "Password file (PBKDF2 hashes, managed with ./fleetmq passwd); reloaded on change.",
                    c -> c.auth().passwordFile()),
            key("auth.jwksFile", Type.PATH, 0, 0,
                    "JWKS file whose RS256/ES256 keys verify JWTs sent as the CONNECT password; reloaded on change.",
                    c -> c.auth().jwksFile()),
            key("auth.jwtAudience", Type.LIST, 0, 0,
                    "Accepted JWT aud values, comma-separated; empty: aud not checked.",
                    c -> c.auth().jwtAudience()),
            key("auth.jwtPermissionsClaim", Type.STRING, 0, 0,
                    "JWT claim holding the token's topic permissions ({\"publish\": [...], \"subscribe\": [...]}).",
                    c -> c.auth().jwtPermissionsClaim()),
            enumKey("auth.certificateIdentity", List.of("none", "cn", "san"),
                    "Which name of a verified client certificate becomes the username: none, the subject CN, or the first SAN.",
                    c -> lower(c.auth().certificateIdentity())),
            key("auth.certificateMustMatchClientId", Type.BOOLEAN, 0, 0,
                    "Refuse (0x87 / 5) a client whose certificate identity differs from its client id.",
                    c -> c.auth().certificateMustMatchClientId()),
            enumKey("auth.clientIdBinding", List.of("principal", "username", "certificate", "none"),
                    "How a client id relates to the identity: principal (client id free, session owned by the principal; another principal presenting it is refused 0x87 / 5), username (client id := username / JWT sub), certificate (client id := certificate identity), none (no ownership; only without authentication).",
                    c -> lower(c.auth().clientIdBinding())),
            key("auth.aclFile", Type.PATH, 0, 0,
                    "ACL file: allow/deny rules for publish and subscribe, first match wins, default deny; reloaded on change.",
                    c -> c.auth().aclFile()),
            key("auth.adminUsers", Type.LIST, 0, 0,
                    "Usernames that may subscribe to $SYS when an ACL file is used, comma-separated.",
                    c -> c.auth().adminUsers()),
            key("auth.reloadInterval", Type.DURATION, 100, HOUR_MS,
                    "How often the password, JWKS and ACL files are checked for changes.",
                    c -> c.auth().reloadInterval()),
            key("auth.failedLoginsPerMinute", Type.INT, 1, 1_000_000,
                    "Failed logins allowed per source address per minute; beyond, its CONNECTs are refused unchecked.",
                    c -> c.auth().failedLoginsPerMinute()),

            key("limits.maxConnections", Type.INT, 0, 10_000_000,
                    "Open connections on this node, all listeners (CONNACK 0x89 Server busy beyond); 0 for no bound.",
                    c -> c.limits().maxConnections()),
            key("limits.connectionRate", Type.INT, 0, 1_000_000,
                    "New connections accepted per second on this node (0x89 beyond); 0 for no bound.",
                    c -> c.limits().connectionRate()),
            key("limits.publishRate", Type.INT, 0, 1_000_000,
                    "PUBLISH packets accepted per second per client (v5 ack 0x97 Quota exceeded, v3 dropped); 0 for no bound.",
                    c -> c.limits().publishRate()),
            key("limits.maxSubscriptionsPerClient", Type.INT, 0, 10_000_000,
                    "Subscriptions one session may hold (SUBACK 0x97 / 0x80 beyond); 0 for no bound.",
                    c -> c.limits().maxSubscriptionsPerClient()),
            key("limits.maxTopicLength", Type.INT, 1, 65_535,
                    "Longest topic name or filter in UTF-8 bytes (0x97 beyond).", c -> c.limits().maxTopicLength()),
            key("limits.maxTopicLevels", Type.INT, 0, 65_535,
                    "Most levels in a topic name or filter, wills included (0x97 beyond); 0 for no bound.",
                    c -> c.limits().maxTopicLevels()),
            key("limits.maxOutboundBytesPerClient", Type.INT, 1_024, Integer.MAX_VALUE,
                    "Bytes waiting to be written to one client; beyond, QoS 0 is dropped, QoS 1/2 waits in the session queue and the client is not read.",
                    c -> c.limits().maxOutboundBytesPerClient()),
            key("limits.slowConsumerTimeout", Type.DURATION, 0, HOUR_MS,
                    "How long a client's socket may stay full before the client is disconnected (v5 0x97); 0 for never.",
                    c -> c.limits().slowConsumerTimeout()),
            key("limits.maxRetainedMessages", Type.INT, 0, Integer.MAX_VALUE,
                    "Retained messages stored on this node (PUBLISH with RETAIN refused with 0x97 beyond); 0 for no bound.",
                    c -> c.limits().maxRetainedMessages()),
            key("limits.maxRetainedBytes", Type.LONG, 0, 1L << 40,
                    "Topic and payload bytes of all retained messages on this node (0x97 beyond); 0 for no bound.",
                    c -> c.limits().maxRetainedBytes()),
            key("limits.maxRetainedMessagesPerClient", Type.INT, 0, Integer.MAX_VALUE,
                    "Retained messages stored from one client id (0x97 beyond); 0 for no bound.",
                    c -> c.limits().maxRetainedMessagesPerClient()),
            key("limits.maxRetainedBytesPerClient", Type.LONG, 0, 1L << 40,
                    "Topic and payload bytes of the retained messages from one client id (0x97 beyond); 0 for no bound.",
                    c -> c.limits().maxRetainedBytesPerClient()),
            key("limits.maxOfflineSessionsPerPrincipal", Type.INT, 0, 10_000_000,
                    "Persistent sessions one principal may keep while disconnected (applies when authentication is configured); beyond, its oldest offline session ends (fleetmq_sessions_evicted_total); 0 for no bound.",
                    c -> c.limits().maxOfflineSessionsPerPrincipal()),

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
            key("cluster.secretFile", Type.PATH, 0, 0,
                    "File holding the cluster's shared secret (at least 32 random bytes, e.g. openssl rand -base64 48); node-to-node traffic is authenticated and encrypted with keys derived from it. Required unless cluster.bind is a loopback address.",
                    c -> c.cluster().secretFile()),
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

            enumKey("log.format", List.of(LogConfig.TEXT, LogConfig.JSON),
                    "Log line format on stdout; json writes one JSON object per line (for CloudWatch / Fluent Bit).",
                    c -> c.log().format()));

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
                           Function<BrokerConfig, Object> getter) {
        return new Key(name, type, min, max, meaning, getter);
    }

    private static Key enumKey(String name, List<String> choices, String meaning,
                               Function<BrokerConfig, Object> getter) {
        return new Key(name, Type.ENUM, 0, 0, meaning + " One of: " + String.join(", ", choices) + ".", getter,
                choices);
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
                new ListenersConfig(
                        new TcpListenerConfig(bool(v, "listeners.tcp.enabled"), str(v, "listeners.tcp.bind"),
                                num(v, "listeners.tcp.port"), bool(v, "listeners.tcp.proxyProtocol"),
                                list(v, "listeners.tcp.proxyProtocolTrustedNetworks"),
                                num(v, "listeners.tcp.maxConnections")),
                        new TlsListenerConfig(bool(v, "listeners.tls.enabled"), str(v, "listeners.tls.bind"),
                                num(v, "listeners.tls.port"), bool(v, "listeners.tls.proxyProtocol"),
                                list(v, "listeners.tls.proxyProtocolTrustedNetworks"),
                                num(v, "listeners.tls.maxConnections"),
                                enumValue(v, "listeners.tls.clientAuth", TlsListenerConfig.ClientAuth.class)),
                        new TcpListenerConfig(bool(v, "listeners.ws.enabled"), str(v, "listeners.ws.bind"),
                                num(v, "listeners.ws.port"), bool(v, "listeners.ws.proxyProtocol"),
                                list(v, "listeners.ws.proxyProtocolTrustedNetworks"),
                                num(v, "listeners.ws.maxConnections")),
                        new TlsListenerConfig(bool(v, "listeners.wss.enabled"), str(v, "listeners.wss.bind"),
                                num(v, "listeners.wss.port"), bool(v, "listeners.wss.proxyProtocol"),
                                list(v, "listeners.wss.proxyProtocolTrustedNetworks"),
                                num(v, "listeners.wss.maxConnections"),
                                enumValue(v, "listeners.wss.clientAuth", TlsListenerConfig.ClientAuth.class))),
                new TlsConfig(str(v, "tls.certFile"), str(v, "tls.keyFile"), str(v, "tls.caFile"),
                        list(v, "tls.protocols"), list(v, "tls.ciphers"), dur(v, "tls.reloadInterval")),
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
                new AuthConfig(bool(v, "auth.allowAnonymous"), str(v, "auth.passwordFile"), str(v, "auth.jwksFile"),
                        list(v, "auth.jwtAudience"), str(v, "auth.jwtPermissionsClaim"),
                        enumValue(v, "auth.certificateIdentity", AuthConfig.CertificateIdentity.class),
                        bool(v, "auth.certificateMustMatchClientId"), str(v, "auth.aclFile"),
                        list(v, "auth.adminUsers"), dur(v, "auth.reloadInterval"),
                        num(v, "auth.failedLoginsPerMinute"),
                        enumValue(v, "auth.clientIdBinding", AuthConfig.ClientIdBinding.class)),
                new LimitsConfig(num(v, "limits.maxConnections"), num(v, "limits.connectionRate"),
                        num(v, "limits.publishRate"), num(v, "limits.maxSubscriptionsPerClient"),
                        num(v, "limits.maxTopicLength"), num(v, "limits.maxTopicLevels"),
                        num(v, "limits.maxOutboundBytesPerClient"), dur(v, "limits.slowConsumerTimeout"),
                        num(v, "limits.maxRetainedMessages"),
                        ((Number) get(v, "limits.maxRetainedBytes")).longValue(),
                        num(v, "limits.maxRetainedMessagesPerClient"),
                        ((Number) get(v, "limits.maxRetainedBytesPerClient")).longValue(),
                        num(v, "limits.maxOfflineSessionsPerPrincipal")),
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
                        dur(v, "cluster.drainTimeout"),
                        str(v, "cluster.secretFile")),
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
            String def = k.format(k.defaultValue());
            sb.append("| `").append(k.name()).append("` | ").append(def.isEmpty() ? "(none)" : "`" + def + "`")
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

    /** An ENUM key's value (a lower-case word, as {@link Key#parse} returns it) as the record's enum. */
    private static <E extends Enum<E>> E enumValue(Map<String, Object> v, String name, Class<E> type) {
        return Enum.valueOf(type, str(v, name).toUpperCase(Locale.ROOT));
    }

    /** ENUM keys hold their value as the lower-case word the configuration uses. */
    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
