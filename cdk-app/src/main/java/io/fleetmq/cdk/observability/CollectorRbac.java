package io.fleetmq.cdk.observability;

import java.util.List;
import java.util.Map;

/**
 * The read-only RBAC the managed Prometheus collector needs for Kubernetes service discovery and node metrics, as
 * documented for Amazon Managed Service for Prometheus collectors.
 */
final class CollectorRbac {

    private CollectorRbac() {
    }

    static List<Map<String, Object>> manifests(String roleName, String userName) {
        Map<String, Object> role = Map.of(
                "apiVersion", "rbac.authorization.k8s.io/v1",
                "kind", "ClusterRole",
                "metadata", Map.of("name", roleName),
                "rules", List.of(
                        Map.of("apiGroups", List.of(""),
                                "resources", List.of("nodes", "nodes/proxy", "nodes/metrics", "services",
                                        "endpoints", "pods", "configmaps"),
                                "verbs", List.of("get", "list", "watch")),
                        Map.of("apiGroups", List.of("discovery.k8s.io"),
                                "resources", List.of("endpointslices"),
                                "verbs", List.of("get", "list", "watch")),
                        Map.of("nonResourceURLs", List.of("/metrics"), "verbs", List.of("get"))));
        Map<String, Object> binding = Map.of(
                "apiVersion", "rbac.authorization.k8s.io/v1",
                "kind", "ClusterRoleBinding",
                "metadata", Map.of("name", roleName + "-binding"),
                "subjects", List.of(Map.of("kind", "User", "name", userName,
                        "apiGroup", "rbac.authorization.k8s.io")),
                "roleRef", Map.of("kind", "ClusterRole", "name", roleName,
                        "apiGroup", "rbac.authorization.k8s.io"));
        return List.of(role, binding);
    }
}
