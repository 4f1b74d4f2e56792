package io.fleetmq.cdk.broker;

/**
 * Kubernetes names of the broker workload, shared by the workload, autoscaling and observability stacks and the docs.
 */
public final class BrokerWorkload {

    public static final String NAMESPACE = "fleetmq";
    public static final String APP = "fleetmq-broker";
    public static final String STATEFUL_SET = APP;
    public static final String SERVICE_ACCOUNT = APP;
    public static final String CONFIG_MAP = APP + "-config";
    /** Headless Service: DNS A records of every pod, ready or not, for JGroups DNS_PING. */
    public static final String DISCOVERY_SERVICE = APP + "-cluster";
    /** LoadBalancer Service the AWS Load Balancer Controller turns into the NLB. */
    public static final String NLB_SERVICE = APP + "-mqtt";
    public static final String PDB = APP;
    public static final String HPA = APP;
    /** Created out of band (kubectl create secret tls ...): the key never passes through the template. */
    public static final String TLS_SECRET = APP + "-tls";
    /** Created out of band; key {@value #ADMIN_TOKEN_KEY}. */
    public static final String ADMIN_TOKEN_SECRET = APP + "-admin-token";
    public static final String ADMIN_TOKEN_KEY = "token";

    /** FQDN JGroups resolves to find its peers. */
    public static final String DISCOVERY_FQDN = DISCOVERY_SERVICE + "." + NAMESPACE + ".svc.cluster.local";

    /**
     * Seconds between SIGTERM and SIGKILL. preStop waits {@link #PRE_STOP_SLEEP_SECONDS} so the NLB stops sending new
     * connections first; then SIGTERM starts the broker's drain (hand sessions to peers, DISCONNECT 0x9C to v5 clients
     * at the configured rate), which must finish within the remaining {@link #DRAIN_BUDGET_SECONDS}.
     */
    public static final int TERMINATION_GRACE_SECONDS = 120;
    public static final int PRE_STOP_SLEEP_SECONDS = 15;
    public static final int DRAIN_BUDGET_SECONDS = TERMINATION_GRACE_SECONDS - PRE_STOP_SLEEP_SECONDS - 5;

    /** The image's non-root user; the volumes are group-readable through fsGroup. */
    public static final long RUN_AS_USER = 10001;

    private BrokerWorkload() {
    }
}
