package io.fleetmq.broker.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one catalogue of FleetMQ's own metric names. {@link BrokerMetrics} registers exactly these (a test checks that
 * a running broker exports each and nothing else under {@code fleetmq_}), and {@code docs/metrics.md} lists each with
 * its meaning and EMQX counterpart (another test keeps the page in step). Every series also carries the common tag
 * {@code node}. JVM and process metrics come from Micrometer's standard binders and keep their standard names.
 * <p>
 * Names are the exported Prometheus names; {@link #meterName()} is the Micrometer name that produces them (Micrometer
 * adds {@code _total} to counters and {@code _seconds} to timers).
 */
public enum Metric {
    CONNECTIONS("fleetmq_connections", Kind.GAUGE, List.of(),
            "Clients connected now: CONNECT accepted and the connection still open. Used by the HPA / KEDA scaler.",
            "emqx_connections_count"),
    CONNECTIONS_OPENED("fleetmq_connections_opened_total", Kind.COUNTER, List.of(),
            "TCP connections accepted by the MQTT listener (before CONNECT).",
            "— (EMQX counts CONNECT packets: emqx_client_connect)"),
    CLIENTS_CONNECTED("fleetmq_clients_connected_total", Kind.COUNTER, List.of(),
            "CONNECTs accepted (CONNACK success sent).",
            "emqx_client_connected"),
    CONNECTIONS_CLOSED("fleetmq_connections_closed_total", Kind.COUNTER, List.of("reason"),
            "Connections closed, by reason (see the reason table below).",
            "emqx_client_disconnected (EMQX has no per-reason split)"),
    AUTH_FAILURES("fleetmq_auth_failures_total", Kind.COUNTER, List.of(),
            "CONNECTs refused as not authorized.",
            "emqx_authentication_failure"),
    PROXY_HEADERS_REFUSED("fleetmq_proxy_headers_refused_total", Kind.COUNTER, List.of("reason"),
            "Connections closed on a PROXY protocol listener before MQTT: untrusted_source (peer outside "
                    + "proxyProtocolTrustedNetworks, closed unread) or invalid_header (no valid PROXY v1/v2 header).",
            "— (EMQX has no PROXY protocol counter)"),
    MALFORMED_PACKETS("fleetmq_malformed_packets_total", Kind.COUNTER, List.of(),
            "Packets that failed to decode (the connection is closed).",
            "— (EMQX: emqx_packets_received minus the typed packet counters)"),
    SESSIONS("fleetmq_sessions", Kind.GAUGE, List.of(),
            "Sessions held, connected or not.",
            "emqx_sessions_count"),
    SESSIONS_PERSISTENT("fleetmq_sessions_persistent", Kind.GAUGE, List.of(),
            "Sessions that outlive their connection (session expiry interval > 0).",
            "— (included in emqx_sessions_count)"),
    SESSIONS_STARTED("fleetmq_sessions_started_total", Kind.COUNTER, List.of(),
            "New sessions (no earlier session, or clean start).",
            "emqx_session_created"),
    SESSIONS_RESUMED("fleetmq_sessions_resumed_total", Kind.COUNTER, List.of(),
            "CONNECTs that resumed an existing session (session present).",
            "emqx_session_resumed"),
    SESSIONS_TAKEN_OVER("fleetmq_sessions_taken_over_total", Kind.COUNTER, List.of(),
            "Connections closed because the same client id connected again.",
            "emqx_session_takenover"),
    SESSIONS_EXPIRED("fleetmq_sessions_expired_total", Kind.COUNTER, List.of(),
            "Sessions ended because their expiry interval passed while disconnected.",
            "emqx_session_terminated (EMQX also counts other session ends)"),
    SESSIONS_EVICTED("fleetmq_sessions_evicted_total", Kind.COUNTER, List.of(),
            "Offline sessions ended because their principal held more than limits.maxOfflineSessionsPerPrincipal.",
            "— (no EMQX equivalent)"),
    CLIENT_ID_TAKEOVERS_REFUSED("fleetmq_client_id_takeovers_refused_total", Kind.COUNTER, List.of(),
            "CONNECTs refused because the client id's session belongs to another principal (0x87 / 5).",
            "— (no EMQX equivalent)"),
    SUBSCRIPTIONS("fleetmq_subscriptions", Kind.GAUGE, List.of(),
            "Subscriptions held (each shared-subscription member counts once).",
            "emqx_subscriptions_count"),
    SUBSCRIPTIONS_SHARED("fleetmq_subscriptions_shared", Kind.GAUGE, List.of(),
            "Of those, shared ($share/group/filter) subscriptions.",
            "emqx_subscriptions_shared_count"),
    RETAINED_MESSAGES("fleetmq_retained_messages", Kind.GAUGE, List.of(),
            "Retained messages stored.",
            "emqx_retained_count"),
    RETAINED_BYTES("fleetmq_retained_bytes", Kind.GAUGE, List.of(),
            "Topic and payload bytes of the retained messages stored (bounded by limits.maxRetainedBytes).",
            "— (EMQX reports no retained size)"),
    MESSAGES_RECEIVED("fleetmq_messages_received_total", Kind.COUNTER, List.of("qos"),
            "PUBLISH packets accepted from clients (and wills published), by QoS.",
            "emqx_messages_received; per QoS emqx_messages_qos0_received, _qos1_, _qos2_"),
    MESSAGES_SENT("fleetmq_messages_sent_total", Kind.COUNTER, List.of("qos"),
            "PUBLISH packets written to subscribers, by QoS (retries with DUP included).",
            "emqx_messages_sent; per QoS emqx_messages_qos0_sent, _qos1_, _qos2_"),
    MESSAGES_DROPPED("fleetmq_messages_dropped_total", Kind.COUNTER, List.of("qos", "reason"),
            "Copies for a subscriber that were not delivered, by QoS and reason (see the reason table below).",
            "emqx_delivery_dropped; per reason emqx_delivery_dropped_queue_full, _expired, _too_large, _qos0_msg"),
    LIMIT_REFUSALS("fleetmq_limit_refusals_total", Kind.COUNTER, List.of("limit"),
            "Packets refused for a limits.* bound (v5 0x97 Quota exceeded), by limit (see the limit table below).",
            "emqx_messages_dropped_quota_exceeded (publish rate only)"),
    MESSAGES_UNROUTED("fleetmq_messages_unrouted_total", Kind.COUNTER, List.of(),
            "Published messages that matched no subscriber.",
            "emqx_messages_dropped_no_subscribers"),
    BYTES_RECEIVED("fleetmq_bytes_received_total", Kind.COUNTER, List.of(),
            "Bytes read from MQTT client sockets.",
            "emqx_bytes_received"),
    BYTES_SENT("fleetmq_bytes_sent_total", Kind.COUNTER, List.of(),
            "Bytes written to MQTT client sockets.",
            "emqx_bytes_sent"),
    INFLIGHT_MESSAGES("fleetmq_inflight_messages", Kind.GAUGE, List.of(),
            "Outbound QoS 1/2 messages awaiting acknowledgement, all sessions (refreshed at most once a second).",
            "— (EMQX reports inflight per client only)"),
    QUEUED_MESSAGES("fleetmq_queued_messages", Kind.GAUGE, List.of(),
            "Messages waiting in session queues, all sessions (refreshed at most once a second).",
            "— (EMQX reports mqueue_len per client only)"),
    DELIVERY_LATENCY("fleetmq_delivery_latency_seconds", Kind.HISTOGRAM, List.of(),
            "Time from receiving a PUBLISH to writing a copy to a subscriber (live deliveries; a queued copy "
                    + "includes its time in the queue). Buckets 0.5 ms to 10 s.",
            "— (nearest: EMQX's slow subscriptions statistics)"),
    UPTIME("fleetmq_uptime_seconds", Kind.GAUGE, List.of(),
            "Seconds since the node started; count(fleetmq_uptime_seconds) is the number of nodes scraped.",
            "— (EMQX reports uptime in its node API, not as a metric)"),
    CLUSTER_MEMBERS("fleetmq_cluster_members", Kind.GAUGE, List.of(),
            "Nodes in this node's current cluster view, itself included (1 when clustering is off).",
            "emqx_cluster_nodes_running"),
    CLUSTER_PEER_QUEUED("fleetmq_cluster_peer_queued_frames", Kind.GAUGE, List.of("peer"),
            "Frames waiting in this node's send queue for one other node (a series per peer, while it is a member); "
                    + "a queue that keeps growing is a slow or stalled peer, and it holds up only its own queue.",
            "— (EMQX exports no per-peer send queue)"),
    CLUSTER_PEER_FORWARDS_DROPPED("fleetmq_cluster_peer_forwards_dropped_total", Kind.COUNTER, List.of("peer"),
            "Publishes not forwarded to one other node because its send queue held 100 000 publishes already "
                    + "(control frames such as routes and sessions are never dropped).",
            "— (EMQX exports no per-peer drop count)");

    /** How the metric is exported. */
    public enum Kind { COUNTER, GAUGE, HISTOGRAM }

    private final String prometheusName;
    private final Kind kind;
    private final List<String> tags;
    private final String description;
    private final String emqx;

    Metric(String prometheusName, Kind kind, List<String> tags, String description, String emqx) {
        this.prometheusName = prometheusName;
        this.kind = kind;
        this.tags = tags;
        this.description = description;
        this.emqx = emqx;
    }

    /** The metric family as Prometheus sees it ({@code fleetmq_messages_received_total}). */
    public String prometheusName() {
        return prometheusName;
    }

    /** The Micrometer meter name that exports as {@link #prometheusName()}. */
    public String meterName() {
        String base = prometheusName;
        if (kind == Kind.COUNTER) {
            base = base.substring(0, base.length() - "_total".length());
        } else if (kind == Kind.HISTOGRAM) {
            base = base.substring(0, base.length() - "_seconds".length());
        }
        return base.replace('_', '.');
    }

    public Kind kind() {
        return kind;
    }

    /** Tags besides the common {@code node} tag. */
    public List<String> tags() {
        return tags;
    }

    public String description() {
        return description;
    }

    /** The EMQX metric a dashboard moving from EMQX would use instead, or "—" with a note. */
    public String emqx() {
        return emqx;
    }

    /** The catalogue as the Markdown table in {@code docs/metrics.md} (a test keeps the page in step). */
    public static String markdownTable() {
        StringBuilder sb = new StringBuilder();
        sb.append("| Metric | Type | Labels | Meaning | EMQX equivalent |\n");
        sb.append("|--------|------|--------|---------|-----------------|\n");
        for (Metric m : values()) {
            List<String> labels = new ArrayList<>(List.of("node"));
            labels.addAll(m.tags);
            sb.append("| `").append(m.prometheusName).append("` | ").append(m.kind.name().toLowerCase(Locale.ROOT))
                    .append(" | ").append(String.join(", ", labels)).append(" | ").append(m.description)
                    .append(" | ").append(m.emqx).append(" |\n");
        }
        return sb.toString();
    }

    /** The {@code reason} values of messages dropped and connections closed, as Markdown tables. */
    public static String reasonTables() {
        StringBuilder sb = new StringBuilder();
        sb.append("| `fleetmq_messages_dropped_total` reason | EMQX equivalent |\n");
        sb.append("|-----------------------------------------|-----------------|\n");
        for (DropReason r : DropReason.values()) {
            sb.append("| `").append(r.label()).append("` | ").append(r.emqx()).append(" |\n");
        }
        sb.append("\n| `fleetmq_limit_refusals_total` limit |\n");
        sb.append("|---------------------------------------|\n");
        for (LimitReason r : LimitReason.values()) {
            sb.append("| `").append(r.label()).append("` |\n");
        }
        sb.append("\n| `fleetmq_connections_closed_total` reason |\n");
        sb.append("|-------------------------------------------|\n");
        for (CloseReason r : CloseReason.values()) {
            sb.append("| `").append(r.label()).append("` |\n");
        }
        return sb.toString();
    }
}
