package io.fleetmq.cdk.broker;

import io.fleetmq.cdk.config.EnvironmentConfig;
import software.amazon.awscdk.services.eks_v2.ICluster;

/**
 * What the workload stack needs: the cluster to apply to, the broker settings of the environment and the VPC's range
 * (where the NLB's addresses are: the only PROXY headers the broker believes, and the NetworkPolicy's source).
 */
public record BrokerWorkloadStackProps(ICluster cluster, String envName, String nlbName, EnvironmentConfig.Broker broker,
                                       String vpcCidr) {
}
