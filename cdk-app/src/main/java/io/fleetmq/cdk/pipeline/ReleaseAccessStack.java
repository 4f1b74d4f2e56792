package io.fleetmq.cdk.pipeline;

import io.fleetmq.cdk.config.EnvironmentConfig;
import io.fleetmq.cdk.contract.SsmParameters;
import io.fleetmq.cdk.nag.Nag;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.ecr.CfnRegistryPolicy;
import software.amazon.awscdk.services.iam.ArnPrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.constructs.Construct;

import java.util.List;
import java.util.Map;

/**
 * What the pipeline may do in one environment's account, deployed once per environment with the pipeline (like
 * {@code cdk bootstrap}): the release role, which only that environment's promote step may assume and which may write
 * only the environment's image-digest and AMI parameters; and, for an account other than the pipeline's, the ECR
 * registry policy that lets the pipeline account replicate the broker image into it (same digest).
 */
public final class ReleaseAccessStack extends Stack {

    private final Role releaseRole;

    public ReleaseAccessStack(Construct scope, String id, StackProps stackProps, PipelineConfig pipeline,
                              EnvironmentConfig env) {
        super(scope, id, stackProps);
        releaseRole = Role.Builder.create(this, "ReleaseRole")
                .roleName(PipelineNames.releaseRoleName(env.name()))
                .description("FleetMQ pipeline: writes the " + env.name() + " image digest and AMI parameters")
                .assumedBy(new ArnPrincipal(PipelineNames.promoteRoleArn(pipeline, env.name())))
                .inlinePolicies(Map.of("WriteReleaseParameters", PolicyDocument.Builder.create()
                        .statements(List.of(PolicyStatement.Builder.create()
                                .effect(Effect.ALLOW)
                                .actions(List.of("ssm:PutParameter"))
                                .resources(List.of(
                                        PipelineNames.parameterArn(env.account(), env.region(),
                                                env.broker().imageDigestParameter()),
                                        PipelineNames.parameterArn(env.account(), env.region(),
                                                env.nodes().amiParameter()),
                                        PipelineNames.parameterArn(env.account(), env.region(),
                                                SsmParameters.environmentReleaseImageDigest(env.name())),
                                        PipelineNames.parameterArn(env.account(), env.region(),
                                                SsmParameters.environmentReleaseAmi(env.name()))))
                                .build(), amiKeyGrant(pipeline, env)))
                        .build()))
                .build();

        Nag.suppressTree(releaseRole, "AwsSolutions-IAM5", "The AMI key's id is known only once the pipeline stack "
                        + "is deployed in another account; the statement allows kms:CreateGrant only on the key whose "
                        + "alias is " + PipelineNames.AMI_KEY_ALIAS + " and only for EC2 Auto Scaling's service-linked "
                        + "role of this account (conditions).",
                "Resource::arn:aws:kms:" + env.region() + ":" + pipeline.account() + ":key/*");

        if (!env.account().equals(pipeline.account())) {
            CfnRegistryPolicy.Builder.create(this, "ReplicationFromPipeline")
                    .policyText(Map.of("Version", "2012-10-17", "Statement", List.of(Map.of(
                            "Sid", "FleetMqPipelineReplication",
                            "Effect", "Allow",
                            "Principal", Map.of("AWS", "arn:aws:iam::" + pipeline.account() + ":root"),
                            "Action", List.of("ecr:CreateRepository", "ecr:ReplicateImage"),
                            "Resource", "arn:aws:ecr:" + env.region() + ":" + env.account() + ":repository/"
                                    + pipeline.artifacts().imageRepository()))))
                    .build();
        }
    }

    /**
     * The AMI key lives in the pipeline account. Node groups launch through EC2 Auto Scaling, whose service-linked role
     * in this account needs a grant on that key to launch the encrypted AMI; the release role may create exactly that
     * grant (promote.sh does, before the nodes roll), and nothing else with the key.
     */
    private static PolicyStatement amiKeyGrant(PipelineConfig pipeline, EnvironmentConfig env) {
        return PolicyStatement.Builder.create()
                .effect(Effect.ALLOW)
                .actions(List.of("kms:CreateGrant"))
                .resources(List.of("arn:aws:kms:" + env.region() + ":" + pipeline.account() + ":key/*"))
                .conditions(Map.of(
                        "ForAnyValue:StringEquals", Map.of("kms:ResourceAliases", PipelineNames.AMI_KEY_ALIAS),
                        "StringEquals", Map.of("kms:GranteePrincipal", autoScalingServiceRole(env.account()))))
                .build();
    }

    /** EC2 Auto Scaling's service-linked role, which launches the managed node groups' instances. */
    public static String autoScalingServiceRole(String account) {
        return "arn:aws:iam::" + account
                + ":role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling";
    }

    public Role releaseRole() {
        return releaseRole;
    }
}
