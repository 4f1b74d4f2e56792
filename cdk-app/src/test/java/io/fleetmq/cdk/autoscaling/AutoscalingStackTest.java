package io.fleetmq.cdk.autoscaling;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingPolicy;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fleetmq.cdk.broker.BrokerWorkload;
import io.fleetmq.cdk.contract.BrokerContract;
import io.fleetmq.cdk.support.Manifests;
import io.fleetmq.cdk.support.Synth;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AutoscalingStackTest {

    private static Template autoscaling(String env) {
        Synth s = Synth.of(env);
        return s.template(s.stacks.autoscaling());
    }

    private static HorizontalPodAutoscaler hpa(String env) {
        return Manifests.one(Manifests.typed(autoscaling(env)), HorizontalPodAutoscaler.class, BrokerWorkload.HPA);
    }

    @Test
    void hpaScalesTheBrokerStatefulSetWithinTheEnvironmentsBounds() {
        HorizontalPodAutoscaler dev = hpa("dev");
        assertThat(dev.getSpec().getScaleTargetRef().getKind()).isEqualTo("StatefulSet");
        assertThat(dev.getSpec().getScaleTargetRef().getName()).isEqualTo(BrokerWorkload.STATEFUL_SET);
        assertThat(dev.getSpec().getMinReplicas()).isEqualTo(2);
        assertThat(dev.getSpec().getMaxReplicas()).isEqualTo(6);
        HorizontalPodAutoscaler prod = hpa("prod");
        assertThat(prod.getSpec().getMinReplicas()).isEqualTo(3);
        assertThat(prod.getSpec().getMaxReplicas()).isEqualTo(30);
    }

    @Test
    void hpaUsesCpuAndTheBrokersConnectionsPerPod() {
        List<MetricSpec> metrics = hpa("prod").getSpec().getMetrics();
        assertThat(metrics).hasSize(2);
        MetricSpec cpu = metrics.get(0);
        assertThat(cpu.getResource().getName()).isEqualTo("cpu");
        assertThat(cpu.getResource().getTarget().getType()).isEqualTo("Utilization");
        assertThat(cpu.getResource().getTarget().getAverageUtilization()).isEqualTo(60);
        MetricSpec connections = metrics.get(1);
        assertThat(connections.getType()).isEqualTo("Pods");
        assertThat(connections.getPods().getMetric().getName()).isEqualTo(BrokerContract.METRIC_CONNECTIONS);
        assertThat(connections.getPods().getTarget().getType()).isEqualTo("AverageValue");
        assertThat(connections.getPods().getTarget().getAverageValue().toString()).isEqualTo("150000");
    }

    @Test
    void scaleDownRemovesOnePodAtATimeSlowerThanAPodDrains() {
        var scaleDown = hpa("dev").getSpec().getBehavior().getScaleDown();
        assertThat(scaleDown.getStabilizationWindowSeconds()).isGreaterThanOrEqualTo(300);
        assertThat(scaleDown.getPolicies()).singleElement().satisfies((HPAScalingPolicy p) -> {
            assertThat(p.getType()).isEqualTo("Pods");
            assertThat(p.getValue()).isEqualTo(1);
            assertThat(p.getPeriodSeconds()).isGreaterThan(BrokerWorkload.TERMINATION_GRACE_SECONDS);
        });
        assertThat(scaleDown.getSelectPolicy()).isEqualTo("Min");
    }

    @Test
    void prometheusAdapterServesTheConnectionGaugePerPodFromTheWorkspaceThroughTheSigningProxy() {
        Template t = autoscaling("dev");
        t.hasResourceProperties("Custom::AWSCDK-EKS-HelmChart", Map.of(
                "Chart", "prometheus-adapter",
                "Version", AutoscalingStack.PROMETHEUS_ADAPTER_CHART_VERSION,
                "Repository", "https://prometheus-community.github.io/helm-charts"));
        String values = t.findResources("Custom::AWSCDK-EKS-HelmChart", Map.of("Properties",
                Map.of("Chart", "prometheus-adapter"))).values().iterator().next().toString();
        assertThat(values).contains("fleetmq_connections{namespace=\\\"fleetmq\\\",pod!=\\\"\\\"}")
                .contains("\"default\":false")
                .contains("http://aps-sigv4-proxy.fleetmq-metrics.svc", "/workspaces/");
        t.hasResourceProperties("Custom::AWSCDK-EKS-HelmChart", Map.of(
                "Chart", "metrics-server", "Version", AutoscalingStack.METRICS_SERVER_CHART_VERSION));
    }

    @Test
    void theSigningProxyMayOnlyQueryThisEnvironmentsWorkspace() {
        Template t = autoscaling("dev");
        t.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Map.of("Statement", List.of(
                Map.of("Effect", "Allow",
                        "Action", List.of("aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata"),
                        "Resource", Match.objectLike(Map.of("Fn::ImportValue",
                                Match.stringLikeRegexp(".*Observability.*PrometheusArn.*"))))))));
        t.hasResourceProperties("AWS::EKS::PodIdentityAssociation", Map.of(
                "Namespace", AutoscalingStack.METRICS_NAMESPACE, "ServiceAccount", AutoscalingStack.SIGV4_PROXY));
        assertThat(Manifests.typed(t)).extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
                .contains("Deployment/" + AutoscalingStack.SIGV4_PROXY, "Service/" + AutoscalingStack.SIGV4_PROXY);
    }
}
