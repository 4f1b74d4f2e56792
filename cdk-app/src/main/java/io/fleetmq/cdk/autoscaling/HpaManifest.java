package io.fleetmq.cdk.autoscaling;

import io.fleetmq.cdk.broker.BrokerWorkload;
import io.fleetmq.cdk.config.EnvironmentConfig;
import io.fleetmq.cdk.contract.BrokerContract;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The broker's HorizontalPodAutoscaler (autoscaling/v2): CPU utilisation and average {@code fleetmq_connections} per
 * pod, whichever asks for more pods. Scale-up is prompt; scale-down removes one pod at a time and waits longer than a
 * pod's whole drain between removals, so sessions handed to peers are never handed again mid-drain.
 */
public final class HpaManifest {

    /** Seconds the scale-down recommendation must hold before pods are removed (hides short dips). */
    public static final int SCALE_DOWN_STABILIZATION_SECONDS = 600;
    /** At most one pod removed per this period; longer than the pod's termination grace (drain) period. */
    public static final int SCALE_DOWN_PERIOD_SECONDS = 300;
    public static final int SCALE_UP_STABILIZATION_SECONDS = 60;

    private HpaManifest() {
    }

    public static Map<String, Object> manifest(EnvironmentConfig.Broker broker) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("scaleTargetRef", Map.of("apiVersion", "apps/v1", "kind", "StatefulSet",
                "name", BrokerWorkload.STATEFUL_SET));
        spec.put("minReplicas", broker.minReplicas());
        spec.put("maxReplicas", broker.maxReplicas());
        spec.put("metrics", List.of(
                Map.of("type", "Resource", "resource", Map.of("name", "cpu",
                        "target", Map.of("type", "Utilization", "averageUtilization", broker.targetCpuPercent()))),
                Map.of("type", "Pods", "pods", Map.of(
                        "metric", Map.of("name", BrokerContract.METRIC_CONNECTIONS),
                        "target", Map.of("type", "AverageValue",
                                "averageValue", String.valueOf(broker.targetConnectionsPerPod()))))));
        spec.put("behavior", Map.of(
                "scaleUp", Map.of(
                        "stabilizationWindowSeconds", SCALE_UP_STABILIZATION_SECONDS,
                        // A new broker needs time to start and join before it takes load; add two at a time.
                        "policies", List.of(Map.of("type", "Pods", "value", 2, "periodSeconds", 60)),
                        "selectPolicy", "Max"),
                "scaleDown", Map.of(
                        "stabilizationWindowSeconds", SCALE_DOWN_STABILIZATION_SECONDS,
                        "policies", List.of(Map.of("type", "Pods", "value", 1,
                                "periodSeconds", SCALE_DOWN_PERIOD_SECONDS)),
                        "selectPolicy", "Min")));
        return Map.of(
                "apiVersion", "autoscaling/v2",
                "kind", "HorizontalPodAutoscaler",
                "metadata", Map.of("name", BrokerWorkload.HPA, "namespace", BrokerWorkload.NAMESPACE,
                        "labels", Map.of("app.kubernetes.io/name", BrokerWorkload.APP)),
                "spec", spec);
    }
}
