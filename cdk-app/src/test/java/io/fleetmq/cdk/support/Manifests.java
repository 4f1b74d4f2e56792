package io.fleetmq.cdk.support;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import software.amazon.awscdk.assertions.Template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every Kubernetes manifest a synthesized template carries, parsed strictly into fabric8's typed models: a field the
 * Kubernetes API does not define fails the parse (fabric8 normally keeps unknown fields in "additionalProperties";
 * that catch-all is switched off here), as does a kind the app is not expected to emit.
 */
public final class Manifests {

    /** Deploy-time values (CloudFormation tokens) inside a manifest are replaced by this marker. */
    public static final String TOKEN = "<<deploy-time>>";

    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.ofEntries(
            Map.entry("v1/Namespace", Namespace.class),
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", io.fabric8.kubernetes.api.model.Secret.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("apps/v1/StatefulSet", StatefulSet.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("rbac.authorization.k8s.io/v1/ClusterRole", ClusterRole.class),
            Map.entry("rbac.authorization.k8s.io/v1/ClusterRoleBinding", ClusterRoleBinding.class),
            Map.entry("rbac.authorization.k8s.io/v1/Role", io.fabric8.kubernetes.api.model.rbac.Role.class),
            Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", io.fabric8.kubernetes.api.model.rbac.RoleBinding.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class));

    /**
     * Custom resources of operators the app installs (no typed model): parsed into fabric8's generic resource, with
     * the fields the app relies on checked by the tests that use them.
     */
    private static final java.util.Set<String> CUSTOM_KINDS = java.util.Set.of(
            "external-secrets.io/v1beta1/SecretStore", "external-secrets.io/v1beta1/ExternalSecret");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setAnnotationIntrospector(new JacksonAnnotationIntrospector() {
                private static final long serialVersionUID = 1L;

                @Override
                public Boolean hasAnySetter(Annotated a) {
                    return Boolean.FALSE;
                }
            });

    private Manifests() {
    }

    /** All manifests of the template's Custom::AWSCDK-EKS-KubernetesResource resources, as JSON trees. */
    public static List<JsonNode> raw(Template template) {
        List<JsonNode> out = new ArrayList<>();
        Map<String, Map<String, Object>> resources =
                template.findResources("Custom::AWSCDK-EKS-KubernetesResource");
        for (Map<String, Object> resource : resources.values()) {
            Object manifest = ((Map<?, ?>) resource.get("Properties")).get("Manifest");
            try {
                JsonNode array = JSON.readTree(flatten(manifest));
                array.forEach(out::add);
            } catch (Exception e) {
                throw new AssertionError("manifest is not JSON: " + manifest, e);
            }
        }
        return out;
    }

    /** All manifests of the template, each parsed strictly into its typed model. */
    public static List<HasMetadata> typed(Template template) {
        List<HasMetadata> out = new ArrayList<>();
        for (JsonNode node : raw(template)) {
            out.add(strict(node));
        }
        return out;
    }

    public static HasMetadata strict(JsonNode node) {
        String key = node.path("apiVersion").asText() + "/" + node.path("kind").asText();
        Class<? extends HasMetadata> type = KINDS.get(key);
        if (type == null && CUSTOM_KINDS.contains(key)) {
            return JSON.convertValue(node, io.fabric8.kubernetes.api.model.GenericKubernetesResource.class);
        }
        if (type == null) {
            throw new AssertionError("unexpected Kubernetes kind " + key + " in " + node);
        }
        try {
            return STRICT.treeToValue(node, type);
        } catch (Exception e) {
            throw new AssertionError(key + " " + node.path("metadata").path("name").asText()
                    + " does not parse strictly: " + e.getMessage(), e);
        }
    }

    public static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type, String name) {
        return objects.stream().filter(type::isInstance).map(type::cast)
                .filter(o -> o.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name + " in " + objects));
    }

    /** A manifest property is a JSON string, or an Fn::Join of strings and tokens when it holds deploy-time values. */
    static String flatten(Object manifest) {
        if (manifest instanceof String s) {
            return s;
        }
        if (manifest instanceof Map<?, ?> map && map.get("Fn::Join") instanceof List<?> join) {
            StringBuilder sb = new StringBuilder();
            for (Object part : (List<?>) join.get(1)) {
                sb.append(part instanceof String s ? s : TOKEN);
            }
            return sb.toString();
        }
        throw new AssertionError("unexpected manifest shape: " + manifest);
    }
}
