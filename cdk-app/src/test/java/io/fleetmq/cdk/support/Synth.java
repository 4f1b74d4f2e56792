package io.fleetmq.cdk.support;

import io.fleetmq.cdk.FleetMqApp;
import io.fleetmq.cdk.FleetMqStacks;
import io.fleetmq.cdk.config.EnvironmentConfig;
import io.fleetmq.cdk.config.EnvironmentLoader;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Real synthesis of the whole app for one environment, as the CLI does it (same loader, same wiring), cached per
 * context so the test classes of one Surefire run share the ~10 s it costs.
 */
public final class Synth {

    /** A well-formed digest for tests that pin the image (64 hex digits). */
    public static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

    private static final Map<Map<String, Object>, Synth> CACHE = new HashMap<>();

    public final EnvironmentConfig env;
    public final FleetMqStacks stacks;
    private final Map<Stack, Template> templates = new LinkedHashMap<>();

    private Synth(Map<String, Object> context) {
        env = EnvironmentLoader.load(FleetMqApp.ENVS_DIR, context);
        App app = new App();
        stacks = FleetMqStacks.create(app, env);
        for (Stack stack : stacks.all()) {
            templates.put(stack, Template.fromStack(stack));
        }
    }

    /** {@code env} with the image digest left to the SSM parameter (the pipeline's way). */
    public static Synth of(String env) {
        return of(Map.of(EnvironmentLoader.CTX_ENV, env));
    }

    /** {@code env} with the digest given by context (a pinned deploy). */
    public static Synth withDigest(String env) {
        return of(Map.of(EnvironmentLoader.CTX_ENV, env, EnvironmentLoader.CTX_IMAGE_DIGEST, DIGEST));
    }

    public static synchronized Synth of(Map<String, Object> context) {
        return CACHE.computeIfAbsent(Map.copyOf(context), Synth::new);
    }

    public Template template(Stack stack) {
        return templates.get(stack);
    }

    public Map<Stack, Template> templates() {
        return templates;
    }
}
