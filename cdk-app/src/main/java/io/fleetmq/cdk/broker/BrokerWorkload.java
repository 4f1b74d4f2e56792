package io.fleetmq.cdk.broker;

/**
 * Kubernetes names of the broker workload, shared by the workload, autoscaling and observability stacks and the docs.
 */
public final class BrokerWorkload {

    public static final String NAMESPACE = "fleetmq";
    public static final String APP = "fleetmq-broker";
    public static final String STATEFUL_SET = APP;
    public static final String SERVICE_ACCOUNT = APP;
    /** Headless Service: DNS A records of every pod, ready or not, for JGroups DNS_PING. */
    public static final String DISCOVERY_SERVICE = APP + "-cluster";
    /** LoadBalancer Service the AWS Load Balancer Controller turns into the NLB. */
    public static final String NLB_SERVICE = APP + "-mqtt";
    public static final String PDB = APP;
    public static final String HPA = APP;
    /** Only broker pods reach the cluster port; devices, probes and scrapes only their own ports. */
    public static final String NETWORK_POLICY = APP;
    /*
     * Secrets, each synced by External Secrets Operator from AWS Secrets Manager (BrokerSecrets): no key material ever
     * passes through a template, and none is created by hand.
     */
    /** Keys tls.crt, tls.key (the broker's certificate) and ca.crt (the CA device certificates are verified against). */
    public static final String TLS_SECRET = APP + "-tls";
    /** Key {@value #ADMIN_TOKEN_KEY}: the bearer token of the admin API. */
    public static final String ADMIN_TOKEN_SECRET = APP + "-admin-token";
    public static final String ADMIN_TOKEN_KEY = "token";
    /** Key {@value #CLUSTER_SECRET_KEY}: the shared secret nodes prove to each other (cluster.secretFile). */
    public static final String CLUSTER_SECRET = APP + "-cluster-secret";
    public static final String CLUSTER_SECRET_KEY = "secret";
    /** The namespace's External Secrets store: AWS Secrets Manager of the stack's region. */
    public static final String SECRET_STORE = "aws-secrets-manager";

    /** FQDN JGroups resolves to find its peers. */
    public static final String DISCOVERY_FQDN = DISCOVERY_SERVICE + "." + NAMESPACE + ".svc.cluster.local";

    /**
     * Seconds between the start of a pod's termination and SIGKILL. First preStop waits {@link #PRE_STOP_SLEEP_SECONDS}
     * so the NLB stops sending new connections; then SIGTERM starts the broker's drain: clients told to move at the
     * drain rate for at most {@link #DRAIN_TIMEOUT_SECONDS}, then persistent sessions handed to peers, then the last
     * connections closed within {@link #SHUTDOWN_GRACE_SECONDS}. What is left of the grace period
     * ({@link #HANDOFF_MARGIN_SECONDS}) is for the session hand-off, which has no timeout of its own.
     */
    public static final int TERMINATION_GRACE_SECONDS = 120;
    public static final int PRE_STOP_SLEEP_SECONDS = 15;
    public static final int DRAIN_TIMEOUT_SECONDS = 80;
    public static final int SHUTDOWN_GRACE_SECONDS = 10;
    public static final int HANDOFF_MARGIN_SECONDS =
            TERMINATION_GRACE_SECONDS - PRE_STOP_SLEEP_SECONDS - DRAIN_TIMEOUT_SECONDS - SHUTDOWN_GRACE_SECONDS;

    /**
     * Drain rate for a pod holding {@code targetConnectionsPerPod} on average: fast enough to move twice that many
     * clients within the drain timeout (a pod may sit above the average), so few are cut at the deadline.
     */
    public static int drainRate(int targetConnectionsPerPod) {
        return (2 * targetConnectionsPerPod + DRAIN_TIMEOUT_SECONDS - 1) / DRAIN_TIMEOUT_SECONDS;
    }

    /** The image's non-root user; the volumes are group-readable through fsGroup. */
    public static final long RUN_AS_USER = 10001;

    private BrokerWorkload() {
    }
}
