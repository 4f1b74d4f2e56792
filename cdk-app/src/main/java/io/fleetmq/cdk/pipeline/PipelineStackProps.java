package io.fleetmq.cdk.pipeline;

import io.fleetmq.cdk.config.EnvironmentConfig;

import java.nio.file.Path;

/**
 * @param pipeline      {@code pipelines/pipeline.yaml}
 * @param dev           the environment deployed first and benched
 * @param prod          the environment deployed after the bench gate and the approval
 * @param buildspecsDir {@code pipelines/buildspecs}, read at synth time
 * @param cliVersion    the aws-cdk CLI version self-mutation installs (the one cdk-app/package.json pins)
 */
public record PipelineStackProps(PipelineConfig pipeline, EnvironmentConfig dev, EnvironmentConfig prod,
                                 Path buildspecsDir, String cliVersion) {
}
