package io.fleetmq.cdk.pipeline;

import io.fleetmq.cdk.config.EnvironmentConfig;
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
                                                env.nodes().amiParameter())))
                                .build()))
                        .build()))
                .build();

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

    public Role releaseRole() {
        return releaseRole;
    }
}
