package io.fleetmq.cdk.observability;

import io.fleetmq.cdk.broker.BrokerWorkload;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The in-cluster end of the Zabbix path (docs/zabbix.md): a Zabbix proxy in active mode (it connects out to the
 * customer's Zabbix server; nothing connects in) that runs the template's HTTP agent items from inside the cluster, so
 * it reaches each broker pod's /metrics directly and no request needs SigV4; and the service account whose token the
 * template's discovery uses, allowed to read exactly one object: the Endpoints of the brokers' headless Service.
 */
public final class ZabbixProxy {

    public static final String NAMESPACE = "zabbix";
    public static final String SERVICE_ACCOUNT = "zabbix-fleetmq";
    public static final String TOKEN_SECRET = SERVICE_ACCOUNT + "-token";
    /** Zabbix's official proxy image, pinned to a 6.0 LTS patch release (the template is a 6.0 export). */
    public static final String IMAGE = "zabbix/zabbix-proxy-sqlite3:ubuntu-6.0.40";

    private ZabbixProxy() {
    }

    static List<Map<String, Object>> manifests(String envName, String zabbixServer) {
        String[] hostPort = zabbixServer.split(":", 2);
        Map<String, Object> namespace = object("v1", "Namespace", NAMESPACE, null, Map.of());
        Map<String, Object> account = object("v1", "ServiceAccount", SERVICE_ACCOUNT, NAMESPACE,
                Map.of("automountServiceAccountToken", false));
        Map<String, Object> token = object("v1", "Secret", TOKEN_SECRET, NAMESPACE, Map.of(
                "type", "kubernetes.io/service-account-token"));
        ((Map<String, Object>) token.get("metadata")).put("annotations",
                Map.of("kubernetes.io/service-account.name", SERVICE_ACCOUNT));
        Map<String, Object> role = object("rbac.authorization.k8s.io/v1", "Role", SERVICE_ACCOUNT,
                BrokerWorkload.NAMESPACE, Map.of("rules", List.of(Map.of(
                        "apiGroups", List.of(""),
                        "resources", List.of("endpoints"),
                        "resourceNames", List.of(BrokerWorkload.DISCOVERY_SERVICE),
                        "verbs", List.of("get")))));
        Map<String, Object> binding = object("rbac.authorization.k8s.io/v1", "RoleBinding", SERVICE_ACCOUNT,
                BrokerWorkload.NAMESPACE, Map.of(
                        "subjects", List.of(Map.of("kind", "ServiceAccount", "name", SERVICE_ACCOUNT,
                                "namespace", NAMESPACE)),
                        "roleRef", Map.of("kind", "Role", "name", SERVICE_ACCOUNT,
                                "apiGroup", "rbac.authorization.k8s.io")));
        Map<String, Object> labels = Map.of("app", "zabbix-proxy");
        Map<String, Object> container = new LinkedHashMap<>();
        container.put("name", "zabbix-proxy");
        container.put("image", IMAGE);
        container.put("env", List.of(
                Map.of("name", "ZBX_PROXYMODE", "value", "0"),
                Map.of("name", "ZBX_HOSTNAME", "value", "fleetmq-" + envName),
                Map.of("name", "ZBX_SERVER_HOST", "value", hostPort[0]),
                Map.of("name", "ZBX_SERVER_PORT", "value", hostPort.length > 1 ? hostPort[1] : "10051")));
        container.put("resources", Map.of("requests", Map.of("cpu", "100m", "memory", "128Mi"),
                "limits", Map.of("memory", "256Mi")));
        container.put("securityContext", Map.of("allowPrivilegeEscalation", false, "runAsNonRoot", true,
                "capabilities", Map.of("drop", List.of("ALL"))));
        container.put("volumeMounts", List.of(Map.of("name", "data", "mountPath", "/var/lib/zabbix/db_data")));
        Map<String, Object> deployment = object("apps/v1", "Deployment", "zabbix-proxy", NAMESPACE, Map.of(
                "spec", Map.of(
                        "replicas", 1,
                        "selector", Map.of("matchLabels", labels),
                        "template", Map.of(
                                "metadata", Map.of("labels", labels),
                                "spec", Map.of(
                                        // The proxy itself calls no Kubernetes API: the template's items carry the
                                        // token as a secret macro from the Zabbix server.
                                        "automountServiceAccountToken", false,
                                        "securityContext", Map.of("runAsUser", 1997, "runAsGroup", 1995,
                                                "fsGroup", 1995, "seccompProfile", Map.of("type", "RuntimeDefault")),
                                        "containers", List.of(container),
                                        "volumes", List.of(Map.of("name", "data", "emptyDir", Map.of())))))));
        return List.of(namespace, account, token, role, binding, deployment);
    }

    private static Map<String, Object> object(String apiVersion, String kind, String name, String namespace,
                                              Map<String, Object> rest) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        if (namespace != null) {
            metadata.put("namespace", namespace);
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("apiVersion", apiVersion);
        o.put("kind", kind);
        o.put("metadata", metadata);
        o.putAll(rest);
        return o;
    }
}
