package io.fleetmq.cdk.observability;

import io.fleetmq.cdk.support.Manifests;
import io.fleetmq.cdk.support.Synth;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ObservabilityStackTest {

    private static Template observability(String env) {
        Synth s = Synth.of(env);
        return s.template(s.stacks.observability());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aManagedPrometheusWorkspaceIsFedByACollectorScrapingBrokerPodsAndNodes() {
        Template t = observability("dev");
        t.hasResourceProperties("AWS::APS::Workspace", Map.of("Alias", "fleetmq-dev"));
        Map<String, Object> props = props(t, "AWS::APS::Scraper");
        String blob = (String) ((Map<?, ?>) props.get("ScrapeConfiguration")).get("ConfigurationBlob");
        String yaml = new String(Base64.getDecoder().decode(blob), StandardCharsets.UTF_8);
        Map<String, Object> config = new org.yaml.snakeyaml.Yaml().load(yaml);
        List<Map<String, Object>> jobs = (List<Map<String, Object>>) config.get("scrape_configs");
        assertThat(jobs).extracting(j -> j.get("job_name")).containsExactly("fleetmq-broker", "node-exporter");
        assertThat(jobs.get(0)).containsEntry("metrics_path", "/metrics");
        assertThat(jobs.get(0).get("kubernetes_sd_configs")).isEqualTo(List.of(
                Map.of("role", "pod", "namespaces", Map.of("names", List.of("fleetmq")))));
        // The adapter maps series to pods by these labels, so the scrape must set them.
        assertThat(jobs.get(0).get("relabel_configs").toString())
                .contains("__meta_kubernetes_pod_annotation_prometheus_io_scrape", "target_label=namespace",
                        "target_label=pod");
        assertThat(jobs.get(1).get("kubernetes_sd_configs")).isEqualTo(List.of(Map.of("role", "node")));
        assertThat(jobs.get(1).get("relabel_configs").toString()).contains(":" + ScrapeConfig.NODE_EXPORTER_PORT);
        t.hasResourceProperties("AWS::APS::Scraper", Map.of("Source", Map.of("EksConfiguration",
                Match.objectLike(Map.of("ClusterArn", Match.anyValue())))));
        // The collector authenticates as a named Kubernetes user with read-only discovery RBAC.
        t.hasResourceProperties("AWS::EKS::AccessEntry", Map.of("Username", ObservabilityStack.COLLECTOR_USER,
                "Type", "STANDARD"));
        assertThat(Manifests.typed(t)).extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
                .containsExactlyInAnyOrder("ClusterRole/" + ObservabilityStack.COLLECTOR_ROLE,
                        "ClusterRoleBinding/" + ObservabilityStack.COLLECTOR_ROLE + "-binding");
    }

    @Test
    void nlbUnhealthyHostsAlarmQueriesEveryTargetGroupOfTheNamedNlbAndNotifiesTheTopic() {
        Template t = observability("dev");
        String topic = t.findResources("AWS::SNS::Topic").keySet().iterator().next();
        Map<String, Object> alarm = props(t, "AWS::CloudWatch::Alarm", "UnHealthyHostCount");
        String expression = alarm.toString();
        assertThat(expression).contains("SELECT MAX(UnHealthyHostCount) FROM SCHEMA(\"AWS/NetworkELB\", "
                + "LoadBalancer, TargetGroup) WHERE LoadBalancer = 'net/fleetmq-dev-mqtt/")
                // "fleetmq-dev-mqtt-<id>.elb...": the id is the 4th dash-separated field of the first DNS label.
                .contains("Fn::Select=[3, {Fn::Split=[-, {Fn::Select=[0, {Fn::Split=[.");
        assertThat(alarm).containsEntry("Threshold", 0).containsEntry("ComparisonOperator", "GreaterThanThreshold")
                .containsEntry("AlarmActions", List.of(Map.of("Ref", topic)));
    }

    @Test
    void brokerErrorLinesInContainerLogsRaiseAnAlarmToTheTopic() {
        Template t = observability("dev");
        t.hasResourceProperties("AWS::Logs::LogGroup", Map.of(
                "LogGroupName", Match.objectLike(Map.of("Fn::Join", Match.arrayWith(List.of(
                        Match.arrayWith(List.of("/application"))))))));
        t.hasResourceProperties("AWS::Logs::MetricFilter", Map.of(
                "FilterPattern", Match.stringLikeRegexp(".*namespace_name.*fleetmq.*ERROR.*"),
                "MetricTransformations", List.of(Match.objectLike(Map.of(
                        "MetricName", ObservabilityStack.BROKER_ERRORS_METRIC,
                        "MetricNamespace", "FleetMQ/dev")))));
        t.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "MetricName", ObservabilityStack.BROKER_ERRORS_METRIC,
                "Threshold", ObservabilityStack.BROKER_ERRORS_THRESHOLD,
                "AlarmActions", List.of(Map.of("Ref", t.findResources("AWS::SNS::Topic").keySet().iterator().next()))));
        t.hasResourceProperties("AWS::EKS::Addon", Map.of("AddonName", "amazon-cloudwatch-observability"));
    }

    @Test
    void alarmTopicIsKmsEncryptedSslOnlyAndMailsOnlyWhereConfigured() {
        Template dev = observability("dev");
        dev.hasResourceProperties("AWS::SNS::Topic", Map.of("KmsMasterKeyId", Match.anyValue()));
        dev.hasResourceProperties("AWS::SNS::TopicPolicy", Map.of("PolicyDocument", Map.of("Statement",
                Match.arrayWith(List.of(Match.objectLike(Map.of("Effect", "Deny",
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false"))))))))); 
        dev.resourceCountIs("AWS::SNS::Subscription", 0);
        observability("prod").hasResourceProperties("AWS::SNS::Subscription", Map.of(
                "Protocol", "email", "Endpoint", "mqtt-oncall@example.com"));
    }

    @Test
    void outputsGiveThePrometheusEndpointsAndTheTopic() {
        Template t = observability("dev");
        t.hasOutput("PrometheusWorkspaceId", Map.of());
        t.hasOutput("PrometheusQueryUrl", Map.of("Value", Map.of("Fn::Join", Match.arrayWith(List.of(
                Match.arrayWith(List.of("api/v1/query")))))));
        t.hasOutput("PrometheusRemoteWriteUrl", Map.of());
        t.hasOutput("AlarmTopicArn", Map.of());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> props(Template t, String type, String... mustContain) {
        return t.findResources(type).values().stream()
                .map(r -> (Map<String, Object>) r.get("Properties"))
                .filter(p -> List.of(mustContain).stream().allMatch(s -> p.toString().contains(s)))
                .findFirst().orElseThrow(() -> new AssertionError("no " + type + " containing " + List.of(mustContain)));
    }

    /**
     * The Zabbix path: where the environment names a Zabbix server (prod), an active-mode proxy runs in the cluster,
     * and the service account whose token the template's discovery uses may get one object only: the Endpoints of the
     * brokers' headless Service; it cannot list pods, read Secrets or reach any other namespace.
     */
    @Test
    @SuppressWarnings("unchecked")
    void aZabbixProxyRunsWhereConfiguredAndItsTokenReadsOnlyTheBrokersEndpoints() throws Exception {
        String dev = observability("dev").findResources("Custom::AWSCDK-EKS-KubernetesResource").toString();
        assertThat(dev).doesNotContain("zabbix");
        Map<String, Map<String, Object>> resources = observability("prod")
                .findResources("Custom::AWSCDK-EKS-KubernetesResource");
        String manifest = resources.values().stream()
                .map(r -> String.valueOf(((Map<String, Object>) r.get("Properties")).get("Manifest")))
                .filter(m -> m.contains("zabbix-proxy")).findFirst().orElseThrow();
        List<Map<String, Object>> objects = new com.fasterxml.jackson.databind.ObjectMapper().readValue(manifest,
                List.class);
        Map<String, Map<String, Object>> byKind = new java.util.HashMap<>();
        objects.forEach(o -> byKind.put((String) o.get("kind"), o));
        assertThat(byKind.keySet()).containsExactlyInAnyOrder("Namespace", "ServiceAccount", "Secret", "Role",
                "RoleBinding", "Deployment");
        Map<String, Object> role = byKind.get("Role");
        assertThat(((Map<String, Object>) role.get("metadata")).get("namespace")).isEqualTo("fleetmq");
        assertThat((List<Object>) role.get("rules")).containsExactly(Map.of("apiGroups", List.of(""),
                "resources", List.of("endpoints"), "resourceNames", List.of("fleetmq-broker-cluster"),
                "verbs", List.of("get")));
        assertThat(byKind.get("Secret").get("type")).isEqualTo("kubernetes.io/service-account-token");
        String deployment = byKind.get("Deployment").toString();
        assertThat(deployment).contains("image=" + ZabbixProxy.IMAGE, "automountServiceAccountToken=false",
                "runAsNonRoot=true");
        Map<String, Object> container = ((List<Map<String, Object>>) ((Map<String, Object>) ((Map<String, Object>)
                ((Map<String, Object>) byKind.get("Deployment").get("spec")).get("template")).get("spec"))
                .get("containers")).get(0);
        Map<Object, Object> env = new java.util.HashMap<>();
        ((List<Map<String, Object>>) container.get("env")).forEach(e -> env.put(e.get("name"), e.get("value")));
        assertThat(env).containsEntry("ZBX_PROXYMODE", "0").containsEntry("ZBX_SERVER_HOST", "zabbix.example.internal")
                .containsEntry("ZBX_SERVER_PORT", "10051");
    }
}
