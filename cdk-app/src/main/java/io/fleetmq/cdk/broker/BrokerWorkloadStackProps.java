package io.fleetmq.cdk.broker;

import io.fleetmq.cdk.config.EnvironmentConfig;
import software.amazon.awscdk.services.eks_v2.ICluster;

/** What the workload stack needs: the cluster to apply to and the broker settings of the environment. */
public record BrokerWorkloadStackProps(ICluster cluster, String envName, String nlbName, EnvironmentConfig.Broker broker) {
}
