package io.fleetmq.cdk.observability;

import io.fleetmq.cdk.config.EnvironmentConfig;
import software.amazon.awscdk.services.eks_v2.ICluster;

/**
 * What the observability stack needs: the cluster to scrape, the NLB (its name, and its DNS name from the workload
 * stack, from which the CloudWatch dimension is derived) and where alarms go.
 */
public record ObservabilityStackProps(ICluster cluster, String envName, String nlbName, String nlbHostname,
                                      EnvironmentConfig.Alarms alarms) {
}
