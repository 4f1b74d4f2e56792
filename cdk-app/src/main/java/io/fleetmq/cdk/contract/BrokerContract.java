package io.fleetmq.cdk.contract;

import java.util.List;
import java.util.Locale;

/**
 * What the broker image promises and what the Kubernetes manifests rely on: ports, paths, probe endpoints, metric names
 * and how a configuration key becomes the {@code FLEETMQ_*} variable the pods set. The keys themselves are listed once,
 * in {@code BrokerSettings}.
 */
public final class BrokerContract {

    public static final int MQTT_PORT = 1883;
    public static final int MQTT_TLS_PORT = 8883;
    /** HTTP: {@code /metrics}, {@code /healthz}, {@code /readyz} and the admin API under {@code /api/v1}. */
    public static final int HTTP_PORT = 8080;
    /** JGroups TCP transport between nodes. */
    public static final int CLUSTER_PORT = 7800;
    /** JGroups' FD_SOCK2 failure detection listens on the cluster port + 100 (outside the cluster's seal). */
    public static final int CLUSTER_FAILURE_DETECTION_PORT = CLUSTER_PORT + 100;

    public static final String METRICS_PATH = "/metrics";
    /** Liveness: the process is alive. */
    public static final String LIVENESS_PATH = "/healthz";
    /** Readiness: listeners bound and the node has joined the cluster. */
    public static final String READINESS_PATH = "/readyz";

    /** Where the image keeps the configuration the fleetmq_broker role rendered; the pods never mount over it. */
    public static final String CONFIG_DIR = "/etc/fleetmq";
    public static final String CONFIG_FILE_NAME = "fleetmq.yaml";
    /**
     * Read-only tree of the Secrets synced from AWS Secrets Manager: {@code tls/tls.crt}, {@code tls/tls.key},
     * {@code tls/ca.crt} and {@code cluster/secret}. Outside {@link #CONFIG_DIR}, so the role's file stays visible.
     */
    public static final String SECRETS_DIR = "/var/run/fleetmq";
    public static final String TLS_DIR = SECRETS_DIR + "/tls";
    public static final String CLUSTER_SECRET_FILE = SECRETS_DIR + "/cluster/secret";

    /** Gauge: current MQTT connections on one node, tag {@code node}. The pod autoscaler's custom metric. */
    public static final String METRIC_CONNECTIONS = "fleetmq_connections";
    /** Gauge: members of the cluster as this node sees them. */
    public static final String METRIC_CLUSTER_MEMBERS = "fleetmq_cluster_members";

    /** Read by the image's entry point (and the {@code ./fleetmq} launcher), not a configuration key. */
    public static final String ENV_JAVA_OPTS = "FLEETMQ_JAVA_OPTS";

    /**
     * The {@code FLEETMQ_*} variable of a configuration key, by the broker's rule: camelCase split with underscores,
     * dots become underscores, upper case ({@code tls.caFile} -> {@code FLEETMQ_TLS_CA_FILE}).
     */
    public static String envName(String key) {
        return "FLEETMQ_" + key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_').toUpperCase(Locale.ROOT);
    }

    private BrokerContract() {
    }
}
