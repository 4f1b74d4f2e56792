package io.fleetmq.cdk.cluster;

import io.fleetmq.cdk.config.EnvironmentConfig;
import software.amazon.awscdk.services.ec2.IVpc;

/** What the cluster stack needs: the VPC from the network stack and the node settings of the environment. */
public record ClusterStackProps(IVpc vpc, String clusterName, EnvironmentConfig.Nodes nodes) {
}
