package io.fleetmq.cdk;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real CDK CLI ({@code aws-cdk} 2.x pinned in package.json, installed by {@code npm ci}) synthesizes each
 * environment through cdk.json with no AWS credentials: the AZ lookups are answered in cdk.json context and the AMI and
 * digest are SSM parameters resolved at deploy time. Skipped, with the reason, where the CLI is not installed.
 */
class CdkCliSynthTest {

    private static final Path CLI = Path.of("node_modules", ".bin", "cdk");

    @BeforeAll
    static void cliInstalled() {
        Assumptions.assumeTrue(Files.isExecutable(CLI),
                "CDK CLI not installed: run `npm ci` in cdk-app/ (.ci/run does) to enable the CLI synth test");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void cdkSynthSucceedsOfflineForEachEnvironment(String env) throws Exception {
        Path out = Path.of("target", "cdk.out-" + env);
        Result r = cdk("synth", "-c", "env=" + env, "--quiet", "-o", out.toString());
        assertThat(r.exit).as("cdk synth -c env=%s output:%n%s", env, r.output).isZero();
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".template.json")))
                    .containsExactlyInAnyOrder(
                            "FleetMq-" + env + "-Network.template.json", "FleetMq-" + env + "-Cluster.template.json",
                            "FleetMq-" + env + "-Broker.template.json", "FleetMq-" + env + "-Observability.template.json",
                            "FleetMq-" + env + "-Autoscaling.template.json");
        }
        assertThat(r.output).doesNotContain("[Error at");
    }

    @Test
    void cdkSynthWithoutAnEnvironmentFailsNamingTheContextKey() throws Exception {
        Result r = cdk("synth", "--quiet", "-o", "target/cdk.out-none");
        assertThat(r.exit).isNotZero();
        assertThat(r.output).contains("context key 'env' is missing: pass -c env=<name>");
    }

    @Test
    void cdkSynthWithATagForTheImageFailsNamingTheContextKey() throws Exception {
        Result r = cdk("synth", "-c", "env=dev", "-c", "imageDigest=1.4.0", "--quiet", "-o", "target/cdk.out-tag");
        assertThat(r.exit).isNotZero();
        assertThat(r.output).contains("context key 'imageDigest': must be an immutable image digest");
    }

    private record Result(int exit, String output) {
    }

    private static Result cdk(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(CLI.toString()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile("cdk-cli", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // No credentials of any kind: synth must not need them.
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        pb.environment().put("AWS_EC2_METADATA_DISABLED", "true");
        pb.environment().put("CDK_DISABLE_VERSION_CHECK", "1");
        // The classes and classpath file were built by this Maven run; bin/app.sh must not start another build.
        pb.environment().put("FLEETMQ_CDK_SKIP_BUILD", "1");
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("cdk " + String.join(" ", args) + " did not finish in 5 minutes");
        }
        return new Result(p.exitValue(), Files.readString(log));
    }
}
