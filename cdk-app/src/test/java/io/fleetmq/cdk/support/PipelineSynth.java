package io.fleetmq.cdk.support;

import io.fleetmq.cdk.FleetMqApp;
import io.fleetmq.cdk.config.EnvironmentConfig;
import io.fleetmq.cdk.config.EnvironmentLoader;
import io.fleetmq.cdk.pipeline.PipelineConfig;
import io.fleetmq.cdk.pipeline.PipelineConfigLoader;
import io.fleetmq.cdk.pipeline.PipelineStacks;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Real synthesis of the pipeline app (pipelines/pipeline.yaml with envs/dev.yaml and envs/prod.yaml), the way
 * {@code cdk synth -c pipeline=true} builds it, done once per Surefire run and shared by the pipeline tests.
 */
public final class PipelineSynth {

    private static PipelineSynth instance;

    public final PipelineConfig config;
    public final EnvironmentConfig dev;
    public final EnvironmentConfig prod;
    public final PipelineStacks stacks;
    private final Map<Stack, Template> templates = new LinkedHashMap<>();

    private PipelineSynth() {
        config = PipelineConfigLoader.load(PipelineStacks.PIPELINES_DIR.resolve("pipeline.yaml"));
        dev = EnvironmentLoader.load(FleetMqApp.ENVS_DIR, Map.of(EnvironmentLoader.CTX_ENV, config.devEnv()));
        prod = EnvironmentLoader.load(FleetMqApp.ENVS_DIR, Map.of(EnvironmentLoader.CTX_ENV, config.prodEnv()));
        stacks = PipelineStacks.create(new App(), config, dev, prod, PipelineStacks.PIPELINES_DIR);
    }

    public static synchronized PipelineSynth get() {
        if (instance == null) {
            instance = new PipelineSynth();
        }
        return instance;
    }

    public synchronized Template template(Stack stack) {
        return templates.computeIfAbsent(stack, Template::fromStack);
    }
}
