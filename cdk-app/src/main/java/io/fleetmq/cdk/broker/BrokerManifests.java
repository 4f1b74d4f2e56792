package io.fleetmq.cdk.broker;

import io.fleetmq.cdk.cluster.ClusterStack;
import io.fleetmq.cdk.config.EnvironmentConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.fleetmq.cdk.broker.BrokerWorkload.*;
import static io.fleetmq.cdk.contract.BrokerContract.*;

/**
 * The broker's Kubernetes objects as plain maps, ready for {@code KubernetesManifest}. Pure: no constructs, so the
 * tests parse exactly these maps into typed Kubernetes models and run the ConfigMap through the broker's validator.
 *
 * @param image     full image reference, always {@code repository@sha256:...} (a digest, never a tag)
 * @param nlbName   name of the NLB the AWS Load Balancer Controller creates (also how alarms find it)
 * @param envName   environment name, tagged onto AWS resources the controller creates
 * @param vpcCidr   the VPC's range: where the NLB's addresses (and the nodes' kubelets) are
 */
public record BrokerManifests(String image, EnvironmentConfig.Broker broker, String nlbName, String envName,
                              String vpcCidr) {

    /** Seconds a TCP connection may be idle before the kernel probes it: frees a dead device's socket sooner than 2 h. */
    static final String TCP_KEEPALIVE_SECONDS = "300";

    public static final String APP_LABEL = "app.kubernetes.io/name";

    /** The annotations that make the AWS Load Balancer Controller build the NLB as the broker needs it. */
    public Map<String, String> nlbAnnotations() {
        Map<String, String> a = new LinkedHashMap<>();
        String p = "service.beta.kubernetes.io/aws-load-balancer-";
        a.put(p + "type", "external");
        a.put(p + "scheme", "internet-facing");
        a.put(p + "name", nlbName);
        // Pod IPs as targets: no extra kube-proxy hop, and the pod readiness gate ties rollouts to NLB health.
        a.put(p + "nlb-target-type", "ip");
        // TLS passes through to the broker (mTLS ends there); the device's address comes in a PROXY v2 header
        // (listeners.tls.proxyProtocol, believed only from the VPC's addresses).
        a.put(p + "proxy-protocol", "*");
        // Devices resolve one DNS name; any node in any zone may serve them.
        a.put(p + "attributes", "load_balancing.cross_zone.enabled=true");
        // Health = the broker's readiness: a node that has not joined the cluster gets no devices.
        a.put(p + "healthcheck-protocol", "http");
        a.put(p + "healthcheck-port", String.valueOf(HTTP_PORT));
        a.put(p + "healthcheck-path", READINESS_PATH);
        a.put(p + "healthcheck-interval", "10");
        a.put(p + "healthcheck-healthy-threshold", "2");
        a.put(p + "healthcheck-unhealthy-threshold", "2");
        // Existing flows may run while the pod drains; the broker closes them itself, so no forced reset.
        // Client IP preservation off (stated: the NetworkPolicy admits 8883 from the VPC's range, the NLB's addresses).
        a.put(p + "target-group-attributes", "deregistration_delay.timeout_seconds=" + TERMINATION_GRACE_SECONDS
                + ",deregistration_delay.connection_termination.enabled=false,preserve_client_ip.enabled=false");
        a.put(p + "additional-resource-tags", "fleetmq:environment=" + envName);
        return a;
    }

    public List<Map<String, Object>> all() {
        return List.of(namespace(), serviceAccount(), discoveryService(), nlbService(), networkPolicy(),
                statefulSet(), podDisruptionBudget());
    }

    public Map<String, Object> namespace() {
        return object("v1", "Namespace", NAMESPACE, null, m(
                "labels", m(
                        // The broker runs non-root, read-only, without capabilities: the strictest profile fits.
                        "pod-security.kubernetes.io/enforce", "restricted",
                        // Rollouts wait until a new pod is healthy in the NLB before the next pod is replaced.
                        "elbv2.k8s.aws/pod-readiness-gate-inject", "enabled")), null);
    }

    public Map<String, Object> serviceAccount() {
        Map<String, Object> sa = object("v1", "ServiceAccount", SERVICE_ACCOUNT, NAMESPACE, labels(), null);
        // The broker never calls the Kubernetes API (discovery is DNS), so it gets no token.
        sa.put("automountServiceAccountToken", false);
        return sa;
    }

    public Map<String, Object> discoveryService() {
        return object("v1", "Service", DISCOVERY_SERVICE, NAMESPACE, labels(), m(
                "clusterIP", "None",
                // Not-ready pods must be found too: a node becomes ready only after it has joined its peers.
                "publishNotReadyAddresses", true,
                "selector", selector(),
                "ports", List.of(m("name", "jgroups", "port", CLUSTER_PORT, "targetPort", CLUSTER_PORT,
                        "protocol", "TCP"))));
    }

    public Map<String, Object> nlbService() {
        Map<String, Object> metadata = labels();
        metadata.put("annotations", nlbAnnotations());
        return object("v1", "Service", NLB_SERVICE, NAMESPACE, metadata, m(
                "type", "LoadBalancer",
                // Handled by the AWS Load Balancer Controller, never by the legacy in-tree cloud provider.
                "loadBalancerClass", "service.k8s.aws/nlb",
                // Applied by the controller to the NLB's security group: which networks devices may connect from.
                "loadBalancerSourceRanges", broker.clientCidrs(),
                "selector", selector(),
                // MQTT over TLS only: plain 1883 is never on the internet-facing NLB.
                "ports", List.of(
                        m("name", "mqtts", "port", MQTT_TLS_PORT, "targetPort", MQTT_TLS_PORT, "protocol", "TCP"))));
    }

    /**
     * Who may reach a broker pod, on which port: other broker pods on the cluster port and its failure-detection port
     * (nothing else may try to join or talk JGroups), the VPC's addresses (NLB, kubelet probes, NLB health checks, the metrics collector) on 8883 and
     * 8080. Enforced by the cluster's network policy engine (the VPC CNI's network policy agent).
     */
    public Map<String, Object> networkPolicy() {
        return object("networking.k8s.io/v1", "NetworkPolicy", NETWORK_POLICY, NAMESPACE, labels(), m(
                "podSelector", m("matchLabels", selector()),
                "policyTypes", List.of("Ingress"),
                "ingress", List.of(
                        m("from", List.of(m("podSelector", m("matchLabels", selector()))),
                                "ports", List.of(m("protocol", "TCP", "port", CLUSTER_PORT),
                                        m("protocol", "TCP", "port", CLUSTER_FAILURE_DETECTION_PORT))),
                        m("from", List.of(m("ipBlock", m("cidr", vpcCidr))),
                                "ports", List.of(m("protocol", "TCP", "port", MQTT_TLS_PORT),
                                        m("protocol", "TCP", "port", HTTP_PORT))))));
    }

    public Map<String, Object> podDisruptionBudget() {
        // One broker at a time leaves voluntarily (node drain, AMI roll): its sessions move to the others first.
        return object("policy/v1", "PodDisruptionBudget", PDB, NAMESPACE, labels(), m(
                "maxUnavailable", 1,
                "selector", m("matchLabels", selector())));
    }

    public Map<String, Object> statefulSet() {
        Map<String, Object> podSpec = new LinkedHashMap<>();
        podSpec.put("serviceAccountName", SERVICE_ACCOUNT);
        podSpec.put("automountServiceAccountToken", false);
        podSpec.put("terminationGracePeriodSeconds", TERMINATION_GRACE_SECONDS);
        podSpec.put("nodeSelector", m(ClusterStack.NODE_POOL_LABEL, ClusterStack.NODE_POOL_BROKER));
        podSpec.put("topologySpreadConstraints", List.of(
                // Hard: an AZ outage takes at most ceil(n/zones) brokers with it.
                m("maxSkew", 1, "topologyKey", "topology.kubernetes.io/zone",
                        "whenUnsatisfiable", "DoNotSchedule", "labelSelector", m("matchLabels", selector())),
                // Soft: prefer one broker per node, but a pending pod may share a node until a new one arrives.
                m("maxSkew", 1, "topologyKey", "kubernetes.io/hostname",
                        "whenUnsatisfiable", "ScheduleAnyway", "labelSelector", m("matchLabels", selector()))));
        podSpec.put("securityContext", m(
                "runAsNonRoot", true,
                "runAsUser", RUN_AS_USER,
                "runAsGroup", RUN_AS_USER,
                "fsGroup", RUN_AS_USER,
                "seccompProfile", m("type", "RuntimeDefault"),
                // Namespaced, "safe" sysctl: no kubelet allow-list needed.
                "sysctls", List.of(m("name", "net.ipv4.tcp_keepalive_time", "value", TCP_KEEPALIVE_SECONDS))));
        podSpec.put("containers", List.of(container()));
        podSpec.put("volumes", List.of(
                m("name", "secrets", "projected", m(
                        // One read-only tree of the synced Secrets, readable by the broker's group (fsGroup). Not
                        // under /etc/fleetmq: the configuration the image's role rendered stays in place.
                        "defaultMode", 0440,
                        "sources", List.of(
                                m("secret", m("name", TLS_SECRET, "items", List.of(
                                        m("key", "tls.crt", "path", "tls/tls.crt"),
                                        m("key", "tls.key", "path", "tls/tls.key"),
                                        m("key", "ca.crt", "path", "tls/ca.crt")))),
                                m("secret", m("name", CLUSTER_SECRET, "items", List.of(
                                        m("key", CLUSTER_SECRET_KEY, "path", "cluster/secret"))))))),
                m("name", "tmp", "emptyDir", m("sizeLimit", "256Mi"))));

        Map<String, Object> template = m(
                "metadata", m(
                        "labels", selector(),
                        "annotations", m(
                                "prometheus.io/scrape", "true",
                                "prometheus.io/port", String.valueOf(HTTP_PORT),
                                "prometheus.io/path", METRICS_PATH)),
                "spec", podSpec);

        // No "replicas": the HorizontalPodAutoscaler owns the count; stating it here would reset the scale on
        // every deploy. A new StatefulSet starts at 1 and the autoscaler raises it to minReplicas at once.
        return object("apps/v1", "StatefulSet", STATEFUL_SET, NAMESPACE, labels(), m(
                "serviceName", DISCOVERY_SERVICE,
                // Nodes start together and find each other over DNS; no ordinal ordering is needed.
                "podManagementPolicy", "Parallel",
                "updateStrategy", m("type", "RollingUpdate"),
                "selector", m("matchLabels", selector()),
                "template", template));
    }

    private Map<String, Object> container() {
        List<Object> env = new ArrayList<>();
        for (BrokerSettings.Setting setting : BrokerSettings.of(envName, broker, vpcCidr)) {
            env.add(envVar(setting));
        }
        if (!broker.javaOpts().isEmpty()) {
            // The image's entry point appends these to the role's JVM options (a later option wins).
            env.add(m("name", ENV_JAVA_OPTS, "value", broker.javaOpts()));
        }

        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", "broker");
        c.put("image", image);
        c.put("ports", List.of(
                m("name", "mqtts", "containerPort", MQTT_TLS_PORT, "protocol", "TCP"),
                m("name", "http", "containerPort", HTTP_PORT, "protocol", "TCP"),
                m("name", "jgroups", "containerPort", CLUSTER_PORT, "protocol", "TCP")));
        c.put("env", env);
        c.put("resources", m(
                "requests", m("cpu", broker.cpuRequest(), "memory", broker.memoryRequest()),
                "limits", m("cpu", broker.cpuLimit(), "memory", broker.memoryLimit())));
        // Startup allows a slow JVM start and cluster join without liveness killing it.
        c.put("startupProbe", httpProbe(LIVENESS_PATH, 2, 60, 2));
        c.put("livenessProbe", httpProbe(LIVENESS_PATH, 10, 3, 5));
        c.put("readinessProbe", httpProbe(READINESS_PATH, 5, 2, 3));
        // Pause before SIGTERM: the NLB needs a few seconds to stop routing new connections to a deregistered
        // target. The drain itself is the broker's SIGTERM handling.
        c.put("lifecycle", m("preStop", m("sleep", m("seconds", PRE_STOP_SLEEP_SECONDS))));
        c.put("securityContext", m(
                "allowPrivilegeEscalation", false,
                "readOnlyRootFilesystem", true,
                "capabilities", m("drop", List.of("ALL"))));
        c.put("volumeMounts", List.of(
                m("name", "secrets", "mountPath", SECRETS_DIR, "readOnly", true),
                m("name", "tmp", "mountPath", "/tmp")));
        return c;
    }

    private static Map<String, Object> envVar(BrokerSettings.Setting setting) {
        if (setting instanceof BrokerSettings.Literal l) {
            return m("name", l.envName(), "value", l.value());
        }
        if (setting instanceof BrokerSettings.FromPod p) {
            return m("name", p.envName(), "valueFrom", m("fieldRef", m("fieldPath", p.fieldPath())));
        }
        BrokerSettings.FromSecret x = (BrokerSettings.FromSecret) setting;
        return m("name", x.envName(), "valueFrom", m("secretKeyRef", m("name", x.secret(), "key", x.secretKey())));
    }

    private static Map<String, Object> httpProbe(String path, int period, int failures, int timeout) {
        return m("httpGet", m("path", path, "port", HTTP_PORT),
                "periodSeconds", period, "failureThreshold", failures, "timeoutSeconds", timeout);
    }

    private static Map<String, Object> selector() {
        return m(APP_LABEL, APP);
    }

    private static Map<String, Object> labels() {
        return m("labels", m(APP_LABEL, APP, "app.kubernetes.io/part-of", "fleetmq"));
    }

    static Map<String, Object> object(String apiVersion, String kind, String name, String namespace,
                                      Map<String, Object> metadataExtra, Map<String, Object> spec) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        if (namespace != null) {
            metadata.put("namespace", namespace);
        }
        if (metadataExtra != null) {
            metadata.putAll(metadataExtra);
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("apiVersion", apiVersion);
        o.put("kind", kind);
        o.put("metadata", metadata);
        if (spec != null) {
            o.put("spec", spec);
        }
        return o;
    }

    /** An ordered map from key/value pairs, for readable manifest literals. */
    static Map<String, Object> m(Object... kv) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            out.put((String) kv[i], kv[i + 1]);
        }
        return out;
    }
}
