package io.fleetmq.cdk.autoscaling;

import java.util.List;
import java.util.Map;

import static io.fleetmq.cdk.autoscaling.AutoscalingStack.METRICS_NAMESPACE;
import static io.fleetmq.cdk.autoscaling.AutoscalingStack.SIGV4_PROXY;
import static io.fleetmq.cdk.autoscaling.AutoscalingStack.SIGV4_PROXY_IMAGE;
import static io.fleetmq.cdk.autoscaling.AutoscalingStack.SIGV4_PROXY_PORT;

/** Deployment and Service of the SigV4 proxy that signs the Prometheus adapter's queries to the workspace. */
final class SigV4Proxy {

    private SigV4Proxy() {
    }

    static List<Map<String, Object>> manifests(String region) {
        Map<String, Object> labels = Map.of("app.kubernetes.io/name", SIGV4_PROXY);
        Map<String, Object> container = Map.of(
                "name", "proxy",
                "image", SIGV4_PROXY_IMAGE,
                "args", List.of("--name", "aps", "--region", region,
                        "--host", "aps-workspaces." + region + ".amazonaws.com", "--port", ":" + SIGV4_PROXY_PORT),
                "ports", List.of(Map.of("name", "http", "containerPort", SIGV4_PROXY_PORT)),
                "resources", Map.of("requests", Map.of("cpu", "50m", "memory", "64Mi"),
                        "limits", Map.of("cpu", "500m", "memory", "128Mi")),
                "securityContext", Map.of("allowPrivilegeEscalation", false, "readOnlyRootFilesystem", true,
                        "runAsNonRoot", true, "runAsUser", 65532,
                        "capabilities", Map.of("drop", List.of("ALL"))));
        Map<String, Object> deployment = Map.of(
                "apiVersion", "apps/v1",
                "kind", "Deployment",
                "metadata", Map.of("name", SIGV4_PROXY, "namespace", METRICS_NAMESPACE, "labels", labels),
                "spec", Map.of(
                        "replicas", 2,
                        "selector", Map.of("matchLabels", labels),
                        "template", Map.of(
                                "metadata", Map.of("labels", labels),
                                "spec", Map.of("serviceAccountName", SIGV4_PROXY,
                                        "containers", List.of(container)))));
        Map<String, Object> service = Map.of(
                "apiVersion", "v1",
                "kind", "Service",
                "metadata", Map.of("name", SIGV4_PROXY, "namespace", METRICS_NAMESPACE, "labels", labels),
                "spec", Map.of("selector", labels,
                        "ports", List.of(Map.of("name", "http", "port", SIGV4_PROXY_PORT,
                                "targetPort", SIGV4_PROXY_PORT))));
        return List.of(deployment, service);
    }
}
