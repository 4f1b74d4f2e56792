package io.fleetmq.cdk.autoscaling;

import io.fleetmq.cdk.broker.BrokerWorkload;
import io.fleetmq.cdk.contract.BrokerContract;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.eks_v2.HelmChart;
import software.amazon.awscdk.services.eks_v2.ICluster;
import software.amazon.awscdk.services.eks_v2.IdentityType;
import software.amazon.awscdk.services.eks_v2.KubernetesManifest;
import software.amazon.awscdk.services.eks_v2.ServiceAccount;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.constructs.Construct;

import java.util.List;
import java.util.Map;

/**
 * Pod autoscaling: metrics-server (CPU), the Prometheus adapter serving {@code fleetmq_connections} from the managed
 * Prometheus workspace as a custom pods metric (through a SigV4 signing proxy, since the workspace needs signed
 * requests), and the HorizontalPodAutoscaler on both ({@link HpaManifest}).
 */
public final class AutoscalingStack extends Stack {

    public static final String METRICS_NAMESPACE = "fleetmq-metrics";
    public static final String METRICS_SERVER_CHART_VERSION = "3.12.2";
    public static final String PROMETHEUS_ADAPTER_CHART_VERSION = "4.11.0";
    /** AWS's SigV4 proxy; a pinned release, not "latest". */
    public static final String SIGV4_PROXY_IMAGE = "public.ecr.aws/aws-observability/aws-sigv4-proxy:1.11";
    public static final String SIGV4_PROXY = "aps-sigv4-proxy";
    public static final int SIGV4_PROXY_PORT = 8005;

    public AutoscalingStack(Construct scope, String id, StackProps stackProps, AutoscalingStackProps props) {
        super(scope, id, stackProps);
        ICluster cluster = props.cluster();

        HelmChart metricsServer = HelmChart.Builder.create(this, "MetricsServer")
                .cluster(cluster)
                .repository("https://kubernetes-sigs.github.io/metrics-server/")
                .chart("metrics-server")
                .version(METRICS_SERVER_CHART_VERSION)
                .release("metrics-server")
                .namespace("kube-system")
                .build();

        KubernetesManifest namespace = KubernetesManifest.Builder.create(this, "MetricsNamespace")
                .cluster(cluster)
                .manifest(List.of(Map.of("apiVersion", "v1", "kind", "Namespace",
                        "metadata", Map.of("name", METRICS_NAMESPACE))))
                .build();
        ServiceAccount proxyAccount = ServiceAccount.Builder.create(this, "SigV4ProxyAccount")
                .cluster(cluster)
                .name(SIGV4_PROXY)
                .namespace(METRICS_NAMESPACE)
                .identityType(IdentityType.POD_IDENTITY)
                .build();
        proxyAccount.getNode().addDependency(namespace);
        // Read-only queries against this one workspace.
        proxyAccount.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata"))
                .resources(List.of(props.workspaceArn()))
                .build());
        KubernetesManifest proxy = KubernetesManifest.Builder.create(this, "SigV4Proxy")
                .cluster(cluster)
                .manifest(SigV4Proxy.manifests(getRegion()))
                .build();
        proxy.getNode().addDependency(proxyAccount);

        HelmChart adapter = HelmChart.Builder.create(this, "PrometheusAdapter")
                .cluster(cluster)
                .repository("https://prometheus-community.github.io/helm-charts")
                .chart("prometheus-adapter")
                .version(PROMETHEUS_ADAPTER_CHART_VERSION)
                .release("prometheus-adapter")
                .namespace(METRICS_NAMESPACE)
                .timeout(Duration.minutes(10))
                .values(adapterValues(props.workspaceId()))
                .build();
        adapter.getNode().addDependency(proxy);

        KubernetesManifest hpa = KubernetesManifest.Builder.create(this, "BrokerHpa")
                .cluster(cluster)
                .manifest(List.of(HpaManifest.manifest(props.broker())))
                .build();
        hpa.getNode().addDependency(adapter);
        hpa.getNode().addDependency(metricsServer);
    }

    /** Prometheus adapter values: only the broker's connection gauge, per pod, from the workspace via the proxy. */
    static Map<String, Object> adapterValues(String workspaceId) {
        String metric = BrokerContract.METRIC_CONNECTIONS;
        return Map.of(
                "prometheus", Map.of(
                        "url", "http://" + SIGV4_PROXY + "." + METRICS_NAMESPACE + ".svc",
                        "port", SIGV4_PROXY_PORT,
                        "path", "/workspaces/" + workspaceId),
                "rules", Map.of(
                        "default", false,
                        "custom", List.of(Map.of(
                                "seriesQuery", metric + "{namespace=\"" + BrokerWorkload.NAMESPACE + "\",pod!=\"\"}",
                                "resources", Map.of("overrides", Map.of(
                                        "namespace", Map.of("resource", "namespace"),
                                        "pod", Map.of("resource", "pod"))),
                                "name", Map.of("matches", "^" + metric + "$", "as", metric),
                                // A gauge: the latest value per pod, not a rate.
                                "metricsQuery", "max(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)"))));
    }
}
