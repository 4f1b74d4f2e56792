package io.fleetmq.cdk.pipeline;

import io.fleetmq.cdk.nag.Nag;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.iam.AccountPrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.InstanceProfile;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.constructs.Construct;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the artifact step's Packer build runs and what it encrypts with: a private subnet of the pipeline's VPC, a
 * security group with no inbound rule (Packer reaches the instance through SSM Session Manager, so nothing needs to
 * connect in), an instance profile allowing exactly Session Manager, and the customer-managed KMS key of the AMIs,
 * whose policy lets every environment account launch them (an AMI under the AWS-managed aws/ebs key cannot be used
 * by another account).
 */
final class AmiBuild extends Construct {

    /** What an account launching an encrypted AMI needs on its key (AWS: sharing AMIs with encrypted snapshots). */
    static final List<String> KEY_USE_ACTIONS = List.of("kms:Decrypt", "kms:DescribeKey", "kms:ReEncrypt*",
            "kms:GenerateDataKeyWithoutPlaintext", "kms:CreateGrant");

    private final SecurityGroup securityGroup;
    private final Role instanceRole;
    private final InstanceProfile instanceProfile;
    private final Key key;
    private final String subnetId;

    AmiBuild(Construct scope, String id, IVpc vpc, List<String> environmentAccounts) {
        super(scope, id);
        securityGroup = SecurityGroup.Builder.create(this, "BuildInstanceSg")
                .vpc(vpc)
                .description("FleetMQ AMI build instance: nothing in (Session Manager), HTTPS out")
                .allowAllOutbound(false)
                .build();
        securityGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(443),
                "HTTPS: SSM Session Manager, the OS package repositories, the node exporter release");

        instanceRole = Role.Builder.create(this, "BuildInstanceRole")
                .assumedBy(new ServicePrincipal("ec2.amazonaws.com"))
                .description("FleetMQ AMI build instance: SSM Session Manager only")
                .managedPolicies(List.of(ManagedPolicy.fromAwsManagedPolicyName("AmazonSSMManagedInstanceCore")))
                .build();
        Nag.suppressTree(instanceRole, "AwsSolutions-IAM4", "AmazonSSMManagedInstanceCore is the policy AWS documents "
                + "for Session Manager; the role is used only by the short-lived AMI build instance.",
                Nag.managedPolicy("AmazonSSMManagedInstanceCore"));
        instanceProfile = InstanceProfile.Builder.create(this, "BuildInstanceProfile").role(instanceRole).build();

        key = Key.Builder.create(this, "AmiKey")
                .description("FleetMQ golden AMIs: EBS snapshots; usable by the environments' accounts")
                .enableKeyRotation(true)
                .alias(PipelineNames.AMI_KEY_ALIAS)
                .pendingWindow(Duration.days(30))
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        List<String> others = new ArrayList<>(new java.util.LinkedHashSet<>(environmentAccounts));
        for (String account : others) {
            key.addToResourcePolicy(PolicyStatement.Builder.create()
                    .sid("LaunchFleetMqAmisFrom" + account)
                    .effect(Effect.ALLOW)
                    .principals(List.of(new AccountPrincipal(account)))
                    .actions(KEY_USE_ACTIONS)
                    .resources(List.of("*"))
                    .build());
        }
        subnetId = vpc.selectSubnets(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build())
                .getSubnetIds().get(0);
    }

    /** The variables {@code pipelines/steps/ami-build.sh} passes to {@code ./fleetmq image ami}. */
    Map<String, String> stepEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AMI_BUILD_SUBNET_ID", subnetId);
        env.put("AMI_BUILD_SECURITY_GROUP_ID", securityGroup.getSecurityGroupId());
        env.put("AMI_BUILD_INSTANCE_PROFILE", instanceProfile.getInstanceProfileName());
        env.put("AMI_KMS_KEY_ARN", key.getKeyArn());
        return env;
    }

    /**
     * What the artifact step needs beyond launching and imaging: hand the instance its role, open a Session Manager
     * session to it (Packer's SSH runs inside), and encrypt with the AMI key.
     */
    List<PolicyStatement> stepPolicy(String region, String account) {
        return List.of(
                PolicyStatement.Builder.create()
                        .actions(List.of("iam:PassRole"))
                        .resources(List.of(instanceRole.getRoleArn()))
                        .build(),
                PolicyStatement.Builder.create()
                        .actions(List.of("ssm:StartSession"))
                        .resources(List.of("arn:aws:ec2:" + region + ":" + account + ":instance/*",
                                "arn:aws:ssm:" + region + "::document/AWS-StartSSHSession"))
                        .build(),
                PolicyStatement.Builder.create()
                        .actions(List.of("ssm:TerminateSession", "ssm:ResumeSession"))
                        .resources(List.of("arn:aws:ssm:" + region + ":" + account + ":session/*"))
                        .build(),
                PolicyStatement.Builder.create()
                        .actions(List.of("kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt",
                                "kms:GenerateDataKey*", "kms:ReEncrypt*"))
                        .resources(List.of(key.getKeyArn()))
                        .build());
    }

    SecurityGroup securityGroup() {
        return securityGroup;
    }

    Key key() {
        return key;
    }
}
