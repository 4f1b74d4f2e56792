package io.fleetmq.cdk.pipeline;

import java.util.List;

/**
 * The delivery pipeline, read from {@code pipelines/pipeline.yaml} and validated once by {@link PipelineConfigLoader}.
 *
 * @param account           the pipeline's own account: pipeline, ECR repository, release parameters, bench gate VPC
 * @param availabilityZones zones of the bench gate's VPC
 * @param devEnv            environment deployed first and benched (a name of {@code cdk-app/envs/<name>.yaml})
 * @param prodEnv           environment deployed after the bench gate and the manual approval
 */
public record PipelineConfig(String name, String account, String region, List<String> availabilityZones,
                             Source source, Artifacts artifacts, String benchScenario, String devEnv, String prodEnv) {

    /** The Git repository through a CodeConnections connection; {@code repository} is {@code owner/name}. */
    public record Source(String connectionArn, String repository, String branch) {
    }

    /** What the artifact step builds once: the image (into {@code imageRepository}) and the AMI {@code amiName}. */
    public record Artifacts(String imageRepository, String imageManifest, String amiManifest, String amiName) {
    }

    public List<String> environments() {
        return List.of(devEnv, prodEnv);
    }
}
