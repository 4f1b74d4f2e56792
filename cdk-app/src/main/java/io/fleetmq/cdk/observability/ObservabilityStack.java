package io.fleetmq.cdk.observability;

import io.fleetmq.cdk.broker.BrokerWorkload;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.aps.CfnScraper;
import software.amazon.awscdk.services.aps.CfnWorkspace;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.CfnAlarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.eks.CfnAccessEntry;
import software.amazon.awscdk.services.eks.CfnPodIdentityAssociation;
import software.amazon.awscdk.services.eks_v2.Addon;
import software.amazon.awscdk.services.eks_v2.ICluster;
import software.amazon.awscdk.services.eks_v2.KubernetesManifest;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.logs.FilterPattern;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.MetricFilter;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import io.fleetmq.cdk.nag.Nag;
import software.constructs.Construct;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Metrics and alarms: an Amazon Managed Service for Prometheus workspace fed by a managed collector (agentless
 * scraper) that scrapes the broker pods and the nodes; container logs to CloudWatch through the CloudWatch
 * Observability add-on; CloudWatch alarms on NLB unhealthy targets and on broker error log lines, to an SNS topic.
 */
public final class ObservabilityStack extends Stack {

    /** Kubernetes user the managed collector authenticates as (its access entry maps its role to this name). */
    static final String COLLECTOR_USER = "aps-collector-user";
    static final String COLLECTOR_ROLE = "aps-collector-role";
    public static final String METRIC_NAMESPACE = "FleetMQ";
    public static final String BROKER_ERRORS_METRIC = "BrokerErrorLogLines";
    /** Error lines per 5 minutes that page someone; a few are normal (a client sending garbage). */
    public static final int BROKER_ERRORS_THRESHOLD = 20;

    private final CfnWorkspace workspace;
    private final Topic alarmTopic;

    public ObservabilityStack(Construct scope, String id, StackProps stackProps, ObservabilityStackProps props) {
        super(scope, id, stackProps);
        ICluster cluster = props.cluster();

        workspace = CfnWorkspace.Builder.create(this, "Prometheus")
                .alias("fleetmq-" + props.envName())
                .build();

        // The collector reads the Kubernetes API (service discovery) as COLLECTOR_USER: RBAC below, access entry here.
        KubernetesManifest collectorRbac = KubernetesManifest.Builder.create(this, "CollectorRbac")
                .cluster(cluster)
                .manifest(CollectorRbac.manifests(COLLECTOR_ROLE, COLLECTOR_USER))
                .build();
        CfnScraper scraper = CfnScraper.Builder.create(this, "Collector")
                .alias("fleetmq-" + props.envName())
                .source(CfnScraper.SourceProperty.builder()
                        .eksConfiguration(CfnScraper.EksConfigurationProperty.builder()
                                .clusterArn(cluster.getClusterArn())
                                .subnetIds(cluster.getVpc().getPrivateSubnets().stream()
                                        .map(s -> s.getSubnetId()).toList())
                                // The cluster security group: nodes and pods accept all traffic from it.
                                .securityGroupIds(List.of(cluster.getClusterSecurityGroupId()))
                                .build())
                        .build())
                .destination(CfnScraper.DestinationProperty.builder()
                        .ampConfiguration(CfnScraper.AmpConfigurationProperty.builder()
                                .workspaceArn(workspace.getAttrArn())
                                .build())
                        .build())
                .scrapeConfiguration(CfnScraper.ScrapeConfigurationProperty.builder()
                        .configurationBlob(Base64.getEncoder().encodeToString(
                                ScrapeConfig.yaml().getBytes(StandardCharsets.UTF_8)))
                        .build())
                .build();
        scraper.getNode().addDependency(collectorRbac);
        CfnAccessEntry.Builder.create(this, "CollectorAccess")
                .clusterName(cluster.getClusterName())
                .principalArn(scraper.getAttrRoleArn())
                .username(COLLECTOR_USER)
                .type("STANDARD")
                .build();

        // The Zabbix path (docs/zabbix.md): only when the environment names its Zabbix server.
        props.alarms().zabbixServer().ifPresent(server -> KubernetesManifest.Builder.create(this, "ZabbixProxy")
                .cluster(cluster)
                .manifest(ZabbixProxy.manifests(props.envName(), server))
                .build());

        addContainerLogs(cluster);

        Key topicKey = Key.Builder.create(this, "AlarmTopicKey")
                .description("Encrypts the FleetMQ " + props.envName() + " alarm topic")
                .enableKeyRotation(true)
                .build();
        // CloudWatch publishes to an encrypted topic only if it may use the key.
        topicKey.grant(new ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey*");
        alarmTopic = Topic.Builder.create(this, "Alarms")
                .displayName("FleetMQ " + props.envName() + " alarms")
                .masterKey(topicKey)
                .enforceSsl(true)
                .build();
        props.alarms().email().ifPresent(email -> alarmTopic.addSubscription(new EmailSubscription(email)));

        addNlbUnhealthyAlarm(props.nlbName(), props.nlbHostname());
        addBrokerErrorAlarm(cluster, props.envName());

        CfnOutput.Builder.create(this, "PrometheusWorkspaceId").value(workspace.getAttrWorkspaceId()).build();
        CfnOutput.Builder.create(this, "PrometheusQueryUrl")
                .description("PromQL endpoint (SigV4) for Grafana or Zabbix")
                .value(workspace.getAttrPrometheusEndpoint() + "api/v1/query")
                .build();
        CfnOutput.Builder.create(this, "PrometheusRemoteWriteUrl")
                .value(workspace.getAttrPrometheusEndpoint() + "api/v1/remote_write")
                .build();
        CfnOutput.Builder.create(this, "AlarmTopicArn").value(alarmTopic.getTopicArn()).build();
    }

    /**
     * The NLB is created by the AWS Load Balancer Controller, so its CloudWatch dimension {@code net/NAME/ID} is derived
     * from its DNS name {@code NAME-ID.elb.REGION.amazonaws.com}: NAME is ours, so the ID is the dash-separated field
     * after NAME's own dashes. A Metrics Insights query then covers every target group (1883 and 8883) at once.
     */
    private void addNlbUnhealthyAlarm(String nlbName, String nlbHostname) {
        int idField = (int) nlbName.chars().filter(c -> c == '-').count() + 1;
        String nlbId = Fn.select(idField, Fn.split("-", Fn.select(0, Fn.split(".", nlbHostname))));
        String dimension = "net/" + nlbName + "/" + nlbId;
        CfnAlarm.Builder.create(this, "NlbUnhealthyHosts")
                .alarmDescription("A broker pod behind the NLB " + nlbName + " fails its /readyz health check")
                .comparisonOperator("GreaterThanThreshold")
                .threshold(0)
                .evaluationPeriods(3)
                .datapointsToAlarm(3)
                .treatMissingData("notBreaching")
                .metrics(List.of(CfnAlarm.MetricDataQueryProperty.builder()
                        .id("unhealthy")
                        .expression("SELECT MAX(UnHealthyHostCount) FROM SCHEMA(\"AWS/NetworkELB\", LoadBalancer, "
                                + "TargetGroup) WHERE LoadBalancer = '" + dimension + "'")
                        .period(60)
                        .returnData(true)
                        .build()))
                .alarmActions(List.of(alarmTopic.getTopicArn()))
                .okActions(List.of(alarmTopic.getTopicArn()))
                .build();
    }

    private void addBrokerErrorAlarm(ICluster cluster, String envName) {
        MetricFilter filter = MetricFilter.Builder.create(this, "BrokerErrors")
                .logGroup(applicationLogs)
                // Fluent Bit wraps each container line as {"log": ..., "kubernetes": {...}}; the broker writes its
                // level into the line (plain or JSON), so ERROR anywhere in a broker container line counts.
                .filterPattern(FilterPattern.all(
                        FilterPattern.stringValue("$.kubernetes.namespace_name", "=", BrokerWorkload.NAMESPACE),
                        FilterPattern.stringValue("$.log", "=", "*ERROR*")))
                .metricNamespace(METRIC_NAMESPACE + "/" + envName)
                .metricName(BROKER_ERRORS_METRIC)
                .metricValue("1")
                .defaultValue(0)
                .build();
        Metric metric = filter.metric().with(software.amazon.awscdk.services.cloudwatch.MetricOptions.builder()
                .statistic("Sum").period(software.amazon.awscdk.Duration.minutes(5)).build());
        Alarm alarm = Alarm.Builder.create(this, "BrokerErrorAlarm")
                .alarmDescription("FleetMQ brokers in " + cluster.getClusterName() + " log more than "
                        + BROKER_ERRORS_THRESHOLD + " ERROR lines in 5 minutes")
                .metric(metric)
                .threshold(BROKER_ERRORS_THRESHOLD)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                .evaluationPeriods(1)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
        alarm.addAlarmAction(new SnsAction(alarmTopic));
        alarm.addOkAction(new SnsAction(alarmTopic));
    }

    private LogGroup applicationLogs;

    /**
     * Container logs through the CloudWatch Observability add-on (Fluent Bit). The application log group is created
     * here, before the agent would create it, so it has a retention and the metric filter above has a target.
     */
    private void addContainerLogs(ICluster cluster) {
        applicationLogs = LogGroup.Builder.create(this, "ApplicationLogs")
                .logGroupName("/aws/containerinsights/" + cluster.getClusterName() + "/application")
                .retention(RetentionDays.ONE_MONTH)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        Role agentRole = Role.Builder.create(this, "CloudWatchAgentRole")
                .assumedBy(new ServicePrincipal("pods.eks.amazonaws.com"))
                .managedPolicies(List.of(ManagedPolicy.fromAwsManagedPolicyName("CloudWatchAgentServerPolicy")))
                .build();
        // Pod Identity trusts pods.eks.amazonaws.com with sts:TagSession as well as sts:AssumeRole.
        agentRole.getAssumeRolePolicy().addStatements(software.amazon.awscdk.services.iam.PolicyStatement.Builder.create()
                .actions(List.of("sts:TagSession"))
                .principals(List.of(new ServicePrincipal("pods.eks.amazonaws.com")))
                .build());
        Nag.suppress(agentRole, "AwsSolutions-IAM4", "CloudWatchAgentServerPolicy is the policy AWS documents for "
                + "the CloudWatch agent and Fluent Bit of the CloudWatch Observability add-on; only that add-on's "
                + "service account can assume this role (Pod Identity association below).",
                Nag.managedPolicy("CloudWatchAgentServerPolicy"));
        Addon addon = Addon.Builder.create(this, "CloudWatchObservability")
                .cluster(cluster)
                // Unpinned on purpose: EKS selects the add-on build that is the default for the pinned Kubernetes
                // version, which is the one AWS tests against it.
                .addonName("amazon-cloudwatch-observability")
                .configurationValues(Map.of("containerLogs", Map.of("enabled", true)))
                .build();
        CfnPodIdentityAssociation association = CfnPodIdentityAssociation.Builder.create(this, "CloudWatchAgentIdentity")
                .clusterName(cluster.getClusterName())
                .namespace("amazon-cloudwatch")
                .serviceAccount("cloudwatch-agent")
                .roleArn(agentRole.getRoleArn())
                .build();
        addon.getNode().addDependency(association);
        addon.getNode().addDependency(applicationLogs);
    }

    public CfnWorkspace workspace() {
        return workspace;
    }

    public Topic alarmTopic() {
        return alarmTopic;
    }
}
