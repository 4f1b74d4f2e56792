package io.fleetmq.cdk.pipeline;

import io.fleetmq.cdk.config.EnvironmentConfig;
import io.fleetmq.cdk.config.EnvironmentConfigException;
import io.fleetmq.cdk.contract.SsmParameters;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import org.yaml.snakeyaml.Yaml;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.constructs.Construct;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code cdk synth -c pipeline=true} builds: the pipeline stack ({@code FleetMq-Pipeline}, whose stages hold
 * both environments' stacks) and one {@code FleetMq-<env>-ReleaseAccess} stack per environment. Deploy all of them
 * once by hand (docs/pipeline.md); from then on the pipeline updates itself.
 */
public record PipelineStacks(PipelineStack pipeline, List<ReleaseAccessStack> releaseAccess) {

    /** {@code pipelines/} relative to {@code cdk-app/} (the CLI's and Surefire's working directory). */
    public static final Path PIPELINES_DIR = Path.of("..", "pipelines");

    public static PipelineStacks create(Construct scope, PipelineConfig config, EnvironmentConfig dev,
                                        EnvironmentConfig prod, Path pipelinesDir) {
        for (EnvironmentConfig env : List.of(dev, prod)) {
            if (!env.broker().imageRepository().equals(config.artifacts().imageRepository())) {
                throw new EnvironmentConfigException("pipeline.yaml: artifacts.imageRepository: \""
                        + config.artifacts().imageRepository() + "\" differs from envs/" + env.name()
                        + ".yaml broker.imageRepository \"" + env.broker().imageRepository()
                        + "\": the environment would deploy a repository the pipeline never pushes to");
            }
            String expectedAmi = SsmParameters.ami(env.name(), config.artifacts().amiName());
            if (!env.nodes().amiParameter().equals(expectedAmi)) {
                throw new EnvironmentConfigException("envs/" + env.name() + ".yaml: nodes.amiParameter: the pipeline "
                        + "promotes the AMI to " + expectedAmi + ", got " + env.nodes().amiParameter());
            }
        }
        Environment pipelineEnv = Environment.builder().account(config.account()).region(config.region()).build();
        PipelineStack pipeline = new PipelineStack(scope, "FleetMq-Pipeline", StackProps.builder()
                .env(pipelineEnv)
                .description("FleetMQ: delivery pipeline (build once, promote one image digest and AMI dev -> prod)")
                .build(),
                new PipelineStackProps(config, dev, prod, pipelinesDir.resolve("buildspecs"), pinnedCliVersion()));
        List<ReleaseAccessStack> access = new ArrayList<>();
        for (EnvironmentConfig env : List.of(dev, prod)) {
            access.add(new ReleaseAccessStack(scope, "FleetMq-" + env.name() + "-ReleaseAccess", StackProps.builder()
                    .env(Environment.builder().account(env.account()).region(env.region()).build())
                    .description("FleetMQ: what the pipeline may do in " + env.name()
                            + " (release role, ECR replication)")
                    .build(), config, env));
        }
        List<Stack> stacks = new ArrayList<>(access);
        stacks.add(pipeline);
        for (Stack stack : stacks) {
            Tags.of(stack).add("fleetmq:environment", "pipeline");
            Aspects.of(stack).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
        }
        return new PipelineStacks(pipeline, List.copyOf(access));
    }

    /** The aws-cdk version in cdk-app/package.json (devDependencies), so the pipeline runs the CLI we test with. */
    static String pinnedCliVersion() {
        Path file = Path.of("package.json");
        try {
            Object doc = new Yaml().load(Files.readString(file));
            if (doc instanceof Map<?, ?> m && m.get("devDependencies") instanceof Map<?, ?> deps
                    && deps.get("aws-cdk") instanceof String v && v.matches("2\\.\\d+\\.\\d+")) {
                return v;
            }
        } catch (IOException e) {
            throw new EnvironmentConfigException("cdk-app/package.json: cannot read: " + e.getMessage());
        }
        throw new EnvironmentConfigException("cdk-app/package.json: devDependencies.aws-cdk: must pin an exact 2.x "
                + "version (the pipeline's self-mutation installs the same CLI)");
    }
}
