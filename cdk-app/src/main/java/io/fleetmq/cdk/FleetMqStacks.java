package io.fleetmq.cdk;

import io.fleetmq.cdk.autoscaling.AutoscalingStack;
import io.fleetmq.cdk.autoscaling.AutoscalingStackProps;
import io.fleetmq.cdk.broker.BrokerWorkloadStack;
import io.fleetmq.cdk.broker.BrokerWorkloadStackProps;
import io.fleetmq.cdk.cluster.ClusterStack;
import io.fleetmq.cdk.cluster.ClusterStackProps;
import io.fleetmq.cdk.config.EnvironmentConfig;
import io.fleetmq.cdk.network.NetworkStack;
import io.fleetmq.cdk.network.NetworkStackProps;
import io.fleetmq.cdk.observability.ObservabilityStack;
import io.fleetmq.cdk.observability.ObservabilityStackProps;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.constructs.Construct;

import java.util.List;

/**
 * The stacks of one environment, in dependency order: network, cluster, broker workload, observability, autoscaling.
 * Each takes typed props with what it needs from the ones before; none reads context itself. The pipeline stack
 * (issue 10) deploys an environment by calling {@link #create} inside a CDK Pipelines Stage.
 */
public record FleetMqStacks(NetworkStack network, ClusterStack cluster, BrokerWorkloadStack broker,
                            ObservabilityStack observability, AutoscalingStack autoscaling) {

    public static FleetMqStacks create(Construct scope, EnvironmentConfig env) {
        String prefix = "FleetMq-" + env.name() + "-";
        Environment awsEnv = Environment.builder().account(env.account()).region(env.region()).build();
        String clusterName = env.resourcePrefix();
        // The AWS Load Balancer Controller names the NLB this; alarms derive its CloudWatch dimension from it.
        String nlbName = env.resourcePrefix() + "-mqtt";

        NetworkStack network = new NetworkStack(scope, prefix + "Network",
                props(awsEnv, prefix + "Network", "VPC, subnets, NAT, endpoints, flow logs"),
                new NetworkStackProps(env.network(), env.availabilityZones()));
        ClusterStack cluster = new ClusterStack(scope, prefix + "Cluster",
                props(awsEnv, prefix + "Cluster",
                        "EKS cluster, golden-AMI node groups, load balancer controller, cluster autoscaler"),
                new ClusterStackProps(network.vpc(), clusterName, env.nodes()));
        BrokerWorkloadStack broker = new BrokerWorkloadStack(scope, prefix + "Broker",
                props(awsEnv, prefix + "Broker", "broker StatefulSet, discovery Service, NLB Service, PDB, secrets"),
                new BrokerWorkloadStackProps(cluster.cluster(), env.name(), nlbName, env.broker(),
                        env.network().cidr()));
        ObservabilityStack observability = new ObservabilityStack(scope, prefix + "Observability",
                props(awsEnv, prefix + "Observability", "managed Prometheus, collector, container logs, alarms"),
                new ObservabilityStackProps(cluster.cluster(), env.name(), nlbName, broker.endpoint(), env.alarms()));
        AutoscalingStack autoscaling = new AutoscalingStack(scope, prefix + "Autoscaling",
                props(awsEnv, prefix + "Autoscaling", "pod autoscaling on CPU and connections per pod"),
                new AutoscalingStackProps(cluster.cluster(), observability.workspace().getAttrWorkspaceId(),
                        observability.workspace().getAttrArn(), env.broker()));
        // The HPA targets the StatefulSet, so the workload comes first.
        autoscaling.addStackDependency(broker);

        FleetMqStacks stacks = new FleetMqStacks(network, cluster, broker, observability, autoscaling);
        for (Stack stack : stacks.all()) {
            Tags.of(stack).add("fleetmq:environment", env.name());
            // cdk-nag on every stack: findings are errors on the stack, and the tests require none unsuppressed.
            Aspects.of(stack).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
        }
        return stacks;
    }

    public List<Stack> all() {
        return List.of(network, cluster, broker, observability, autoscaling);
    }

    // The stack name is set, not derived from the construct path, so the pipeline's stages (where the path is
    // "<stage>/FleetMq-<env>-...") deploy the same CloudFormation stacks as `cdk deploy -c env=NAME`.
    private static StackProps props(Environment awsEnv, String stackName, String what) {
        return StackProps.builder().env(awsEnv).stackName(stackName).description("FleetMQ: " + what).build();
    }
}
