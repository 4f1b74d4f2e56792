package io.fleetmq.cdk.contract;

import java.util.List;

/**
 * What the broker image promises and what the Kubernetes manifests rely on: ports, paths, probe endpoints, metric names
 * and the {@code FLEETMQ_*} variables the pods set. The broker side (cluster, observability issues) builds to these
 * names; keeping them here means a rename shows up as one diff the integrator can check.
 */
public final class BrokerContract {

    public static final int MQTT_PORT = 1883;
    public static final int MQTT_TLS_PORT = 8883;
    /** HTTP: {@code /metrics}, {@code /healthz}, {@code /readyz} and the admin API under {@code /api/v1}. */
    public static final int HTTP_PORT = 8080;
    /** JGroups TCP transport between nodes. */
    public static final int CLUSTER_PORT = 7800;

    public static final String METRICS_PATH = "/metrics";
    /** Liveness: the process is alive. */
    public static final String LIVENESS_PATH = "/healthz";
    /** Readiness: listeners bound and the node has joined the cluster. */
    public static final String READINESS_PATH = "/readyz";

    /** Directory the ConfigMap is mounted at; the image's entry point reads {@code fleetmq.yaml} from it. */
    public static final String CONFIG_DIR = "/etc/fleetmq";
    public static final String CONFIG_FILE_NAME = "fleetmq.yaml";
    /** TLS certificate, key and CA from a Kubernetes Secret (tls.crt, tls.key, ca.crt). */
    public static final String TLS_DIR = "/etc/fleetmq/tls";

    /** Gauge: current MQTT connections on one node, tag {@code node}. The pod autoscaler's custom metric. */
    public static final String METRIC_CONNECTIONS = "fleetmq_connections";
    /** Gauge: members of the cluster as this node sees them. */
    public static final String METRIC_CLUSTER_MEMBERS = "fleetmq_cluster_members";

    public static final String ENV_NODE_NAME = "FLEETMQ_NODE_NAME";
    public static final String ENV_CLUSTER_ENABLED = "FLEETMQ_CLUSTER_ENABLED";
    /** A non-empty DNS query is what selects DNS discovery in the broker (there is no separate discovery switch). */
    public static final String ENV_CLUSTER_DNS_QUERY = "FLEETMQ_CLUSTER_DNS_QUERY";
    /** Address JGroups binds to and advertises: the pod IP (the broker refuses 0.0.0.0 here). */
    public static final String ENV_CLUSTER_BIND = "FLEETMQ_CLUSTER_BIND";
    public static final String ENV_CLUSTER_NAME = "FLEETMQ_CLUSTER_NAME";
    /** Clients per second told to reconnect elsewhere during a drain (v5 DISCONNECT 0x9C). */
    public static final String ENV_CLUSTER_DRAIN_RATE = "FLEETMQ_CLUSTER_DRAIN_RATE";
    /** Upper bound of the whole drain on SIGTERM. */
    public static final String ENV_CLUSTER_DRAIN_TIMEOUT = "FLEETMQ_CLUSTER_DRAIN_TIMEOUT";
    public static final String ENV_CLUSTER_PORT = "FLEETMQ_CLUSTER_PORT";
    public static final String ENV_PROXY_PROTOCOL = "FLEETMQ_LISTENERS_TCP_PROXY_PROTOCOL";
    public static final String ENV_HTTP_BIND = "FLEETMQ_HTTP_BIND";
    public static final String ENV_ADMIN_TOKEN = "FLEETMQ_HTTP_ADMIN_TOKEN";
    /*
     * TLS listener on 8883. Not named in the cluster/observability briefs: proposed names, following the same
     * key-to-variable rule as listeners.tcp.* (listeners.tls.enabled, .port, .certFile, .keyFile, .caFile, .proxyProtocol).
     */
    public static final String ENV_TLS_ENABLED = "FLEETMQ_LISTENERS_TLS_ENABLED";
    public static final String ENV_TLS_PORT = "FLEETMQ_LISTENERS_TLS_PORT";
    public static final String ENV_TLS_CERT_FILE = "FLEETMQ_LISTENERS_TLS_CERT_FILE";
    public static final String ENV_TLS_KEY_FILE = "FLEETMQ_LISTENERS_TLS_KEY_FILE";
    public static final String ENV_TLS_CA_FILE = "FLEETMQ_LISTENERS_TLS_CA_FILE";
    public static final String ENV_TLS_PROXY_PROTOCOL = "FLEETMQ_LISTENERS_TLS_PROXY_PROTOCOL";
    /** Read by the {@code ./fleetmq} launcher, not a config key. */
    public static final String ENV_JAVA_OPTS = "FLEETMQ_JAVA_OPTS";

    /**
     * Variables the pods set whose keys the cluster and observability issues are adding to the broker's
     * {@code ConfigSchema} now. Until a key lands there, the manifest test accepts it only if it is listed here; once it
     * lands, the broker's own validator checks its value and the entry can be dropped.
     */
    public static final List<String> ENV_PENDING_IN_BROKER_SCHEMA = List.of(
            ENV_CLUSTER_ENABLED, ENV_CLUSTER_DNS_QUERY, ENV_CLUSTER_PORT, ENV_CLUSTER_BIND, ENV_CLUSTER_NAME,
            ENV_CLUSTER_DRAIN_RATE, ENV_CLUSTER_DRAIN_TIMEOUT,
            ENV_PROXY_PROTOCOL, ENV_HTTP_BIND, ENV_ADMIN_TOKEN,
            ENV_TLS_ENABLED, ENV_TLS_PORT, ENV_TLS_CERT_FILE, ENV_TLS_KEY_FILE, ENV_TLS_CA_FILE, ENV_TLS_PROXY_PROTOCOL);

    private BrokerContract() {
    }
}
