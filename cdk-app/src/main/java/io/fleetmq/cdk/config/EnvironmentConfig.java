package io.fleetmq.cdk.config;

import java.util.List;
import java.util.Optional;

/**
 * One deployment environment (dev, prod), read from {@code cdk-app/envs/<name>.yaml} plus context overrides and
 * validated once by {@link EnvironmentLoader}. Every stack takes the part it needs; nothing reads context deeper down.
 */
public record EnvironmentConfig(
        String name,
        boolean production,
        String account,
        String region,
        List<String> availabilityZones,
        Network network,
        Nodes nodes,
        Broker broker,
        Alarms alarms) {

    /** VPC shape: {@code natGateways} is 1 in dev (cost) and one per AZ in production (an AZ outage keeps egress). */
    public record Network(String cidr, int natGateways, int flowLogRetentionDays) {
    }

    /**
     * EKS worker nodes: one managed node group per AZ, each {@code minPerAz..maxPerAz}, on the golden AMI. The AMI is
     * {@code amiId} when given (context or file), else resolved at deploy time from the SSM parameter {@code amiParameter}.
     * {@code adminRoleArns}: IAM roles given cluster-admin access entries (operators; the API endpoint is private).
     */
    public record Nodes(List<String> instanceTypes, int minPerAz, int maxPerAz, String amiParameter,
                        Optional<String> amiId, List<String> adminRoleArns) {
    }

    /**
     * The broker workload. {@code imageDigest} empty means "read {@code imageDigestParameter} at deploy time", which is
     * how the pipeline promotes the digest its artifact step recorded. {@code clientCidrs}: source ranges the NLB
     * accepts devices from (default: anywhere).
     */
    public record Broker(String imageRepository, Optional<String> imageDigest, String imageDigestParameter,
                         int minReplicas, int maxReplicas, int targetConnectionsPerPod, int targetCpuPercent,
                         String cpuRequest, String cpuLimit, String memoryRequest, String memoryLimit,
                         String javaOpts, List<String> clientCidrs) {
    }

    /**
     * Where alarms go: an SNS topic always; an e-mail subscription when {@code email} is set; and, when
     * {@code zabbixServer} (host or host:port) is set, an in-cluster Zabbix proxy reporting to that server (docs/zabbix.md).
     */
    public record Alarms(Optional<String> email, Optional<String> zabbixServer) {
    }

    /** Prefix for physical names that must be unique per account and region (cluster, NLB, workspace). */
    public String resourcePrefix() {
        return "fleetmq-" + name;
    }
}
