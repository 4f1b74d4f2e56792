package io.fleetmq.image.ami;

import java.util.Objects;

/**
 * Where and how the Packer build instance runs, from the CDK pipeline stack's outputs: a private subnet of the app's VPC,
 * a security group without inbound rules, an instance profile for SSM Session Manager (Packer's connection: no SSH port,
 * no public address, no default VPC), and the customer-managed KMS key the AMI is encrypted with (prod may use it).
 */
public record BuildPlacement(String subnetId, String securityGroupId, String instanceProfile, String kmsKeyId) {

    /**
     * Stand-ins of the right shape for {@code --dry-run}, where nothing is launched: Packer validates their form only.
     */
    public static final BuildPlacement DRY_RUN = new BuildPlacement("subnet-00000000000000000",
            "sg-00000000000000000", "dry-run-instance-profile",
            "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000");

    public BuildPlacement {
        Objects.requireNonNull(subnetId, "subnetId");
        Objects.requireNonNull(securityGroupId, "securityGroupId");
        Objects.requireNonNull(instanceProfile, "instanceProfile");
        Objects.requireNonNull(kmsKeyId, "kmsKeyId");
    }
}
