package io.fleetmq.cdk.network;

import io.fleetmq.cdk.config.EnvironmentConfig;

import java.util.List;

/** What the network stack needs: the VPC shape and the zones it spans. */
public record NetworkStackProps(EnvironmentConfig.Network network, List<String> availabilityZones) {
}
