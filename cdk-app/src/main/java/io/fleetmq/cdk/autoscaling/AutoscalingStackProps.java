package io.fleetmq.cdk.autoscaling;

import io.fleetmq.cdk.config.EnvironmentConfig;
import software.amazon.awscdk.services.eks_v2.ICluster;

/**
 * What the autoscaling stack needs: the cluster, the Prometheus workspace the connection metric is read from, and
 * the pod bounds and targets of the environment.
 */
public record AutoscalingStackProps(ICluster cluster, String workspaceId, String workspaceArn,
                                    EnvironmentConfig.Broker broker) {
}
