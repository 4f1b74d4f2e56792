package io.fleetmq.cdk;

import io.fleetmq.cdk.config.EnvironmentConfig;
import io.fleetmq.cdk.config.EnvironmentConfigException;
import io.fleetmq.cdk.config.EnvironmentLoader;
import io.fleetmq.cdk.pipeline.PipelineConfig;
import io.fleetmq.cdk.pipeline.PipelineConfigLoader;
import io.fleetmq.cdk.pipeline.PipelineStacks;
import software.amazon.awscdk.App;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Entry point of {@code cdk synth/deploy} (see {@code cdk.json}): reads the environment chosen with {@code -c env=NAME}
 * and builds its stacks. The wiring itself is in {@link FleetMqStacks}, so tests build exactly what the CLI builds.
 */
public final class FleetMqApp {

    /** Where {@code envs/<name>.yaml} are, relative to {@code cdk-app/} (the CLI's and Surefire's working dir). */
    public static final Path ENVS_DIR = Path.of("envs");
    /** {@code -c pipeline=true} synthesizes the delivery pipeline (issue 10) instead of one environment. */
    public static final String CTX_PIPELINE = "pipeline";

    private FleetMqApp() {
    }

    public static void main(String[] args) {
        App app = new App();
        try {
            if (pipelineRequested(app)) {
                createPipeline(app);
            } else {
                EnvironmentConfig env = EnvironmentLoader.load(ENVS_DIR, context(app));
                FleetMqStacks.create(app, env);
            }
        } catch (EnvironmentConfigException e) {
            // One line the CLI user can act on, not a jsii stack trace.
            System.err.println("fleetmq cdk-app: " + e.getMessage());
            System.exit(2);
        }
        app.synth();
    }

    /**
     * {@code -c pipeline=true}: the delivery pipeline (with both environments as its stages) instead of one
     * environment's stacks. Only {@code account} is meaningless there; {@code env}, {@code imageDigest} and
     * {@code amiId} are refused, since the pipeline deploys what its artifact step recorded.
     */
    public static void createPipeline(App app) {
        Map<String, Object> ctx = context(app);
        for (String key : List.of(EnvironmentLoader.CTX_ENV, EnvironmentLoader.CTX_IMAGE_DIGEST,
                EnvironmentLoader.CTX_AMI_ID, EnvironmentLoader.CTX_ACCOUNT)) {
            if (ctx.containsKey(key)) {
                throw new EnvironmentConfigException("context key '" + key + "' is not used with -c " + CTX_PIPELINE
                        + "=true: the pipeline deploys the environments of pipelines/pipeline.yaml with the digest and"
                        + " AMI its artifact step recorded");
            }
        }
        PipelineConfig config = PipelineConfigLoader.load(PipelineStacks.PIPELINES_DIR.resolve("pipeline.yaml"));
        EnvironmentConfig dev = EnvironmentLoader.load(ENVS_DIR, Map.of(EnvironmentLoader.CTX_ENV, config.devEnv()));
        EnvironmentConfig prod = EnvironmentLoader.load(ENVS_DIR, Map.of(EnvironmentLoader.CTX_ENV, config.prodEnv()));
        PipelineStacks.create(app, config, dev, prod, PipelineStacks.PIPELINES_DIR);
    }

    static boolean pipelineRequested(App app) {
        Object value = app.getNode().tryGetContext(CTX_PIPELINE);
        if (value == null) {
            return false;
        }
        String v = value.toString();
        if (!v.equals("true") && !v.equals("false")) {
            throw new EnvironmentConfigException("context key '" + CTX_PIPELINE + "': must be true or false, got \""
                    + v + "\"");
        }
        return v.equals("true");
    }

    /** The context keys the loader reads, taken from the app (cdk.json and {@code -c KEY=VALUE}). */
    public static Map<String, Object> context(App app) {
        Map<String, Object> context = new HashMap<>();
        for (String key : List.of(EnvironmentLoader.CTX_ENV, EnvironmentLoader.CTX_ACCOUNT,
                EnvironmentLoader.CTX_IMAGE_DIGEST, EnvironmentLoader.CTX_AMI_ID)) {
            Object value = app.getNode().tryGetContext(key);
            if (value != null) {
                context.put(key, value);
            }
        }
        return context;
    }
}
