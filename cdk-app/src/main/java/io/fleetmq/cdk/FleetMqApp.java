package io.fleetmq.cdk;

import io.fleetmq.cdk.config.EnvironmentConfig;
import io.fleetmq.cdk.config.EnvironmentConfigException;
import io.fleetmq.cdk.config.EnvironmentLoader;
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

    private FleetMqApp() {
    }

    public static void main(String[] args) {
        App app = new App();
        try {
            EnvironmentConfig env = EnvironmentLoader.load(ENVS_DIR, context(app));
            FleetMqStacks.create(app, env);
        } catch (EnvironmentConfigException e) {
            // One line the CLI user can act on, not a jsii stack trace.
            System.err.println("fleetmq cdk-app: " + e.getMessage());
            System.exit(2);
        }
        app.synth();
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
