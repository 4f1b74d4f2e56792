package io.fleetmq.cdk.pipeline;

import io.fleetmq.cdk.FleetMqStacks;
import io.fleetmq.cdk.config.EnvironmentConfig;
import io.fleetmq.cdk.config.EnvironmentConfigException;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stage;
import software.amazon.awscdk.StageProps;
import software.constructs.Construct;

/**
 * One environment as a CDK Pipelines stage: exactly the stacks {@code cdk deploy -c env=NAME} deploys (same
 * {@link FleetMqStacks} wiring, same stack names), with the image digest and AMI read from the environment's SSM
 * parameters at deploy time, which the pipeline's promote step has just written.
 */
public final class FleetMqStage extends Stage {

    private final FleetMqStacks stacks;

    public FleetMqStage(Construct scope, EnvironmentConfig env) {
        super(scope, env.name(), StageProps.builder()
                .env(Environment.builder().account(env.account()).region(env.region()).build())
                .build());
        if (env.broker().imageDigest().isPresent() || env.nodes().amiId().isPresent()) {
            throw new EnvironmentConfigException("envs/" + env.name()
                    + ".yaml: broker.imageDigest / nodes.amiId: must not be set for the pipeline, which deploys the"
                    + " digest and AMI its artifact step recorded (through " + env.broker().imageDigestParameter()
                    + " and " + env.nodes().amiParameter() + ")");
        }
        stacks = FleetMqStacks.create(this, env);
    }

    public FleetMqStacks stacks() {
        return stacks;
    }
}
