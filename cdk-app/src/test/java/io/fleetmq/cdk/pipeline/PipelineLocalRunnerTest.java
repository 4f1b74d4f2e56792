package io.fleetmq.cdk.pipeline;

import io.fleetmq.cdk.support.PipelineSynth;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pipelines/run-local.sh} runs the pipeline's step scripts here, with no AWS: the steps the pipeline runs in
 * CodeBuild that need no account are executed for real (synth, bench gate against a local cluster); the test step
 * (the whole build, which CI already runs) is checked with {@code --dry-run}; steps that need AWS must refuse clearly.
 * The image-build step pushes to Debian's docker-registry on a free loopback port.
 */
class PipelineLocalRunnerTest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path RUN_LOCAL = ROOT.resolve("pipelines/run-local.sh");

    record Result(int exit, String output) {
    }

    static Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(RUN_LOCAL.toString()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile("run-local", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        // Never reach an AWS account from here.
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("run-local.sh " + String.join(" ", args) + " did not finish in 5 minutes: "
                    + Files.readString(log));
        }
        String out = Files.readString(log);
        Files.delete(log);
        return new Result(p.exitValue(), out);
    }

    @Test
    void theTestStepRunsTheReadmesTestCommand() throws Exception {
        Result r = run(Map.of(), "--dry-run", "test");
        assertThat(r.exit).as(r.output).isZero();
        assertThat(r.output.lines()).contains("+ ./mvnw -B verify");
    }

    @Test
    void allRunsTestThenSynthThenImageBuildThenBenchGate() throws Exception {
        Result r = run(Map.of(), "--dry-run", "all");
        assertThat(r.exit).as(r.output).isZero();
        assertThat(r.output.lines().filter(l -> l.startsWith("== pipelines/run-local.sh: ")))
                .containsExactly("== pipelines/run-local.sh: all", "== pipelines/run-local.sh: test",
                        "== pipelines/run-local.sh: synth",
                        "== pipelines/run-local.sh: image-build", "== pipelines/run-local.sh: bench-gate");
        assertThat(r.output).contains("+ ./mvnw -B verify", "+ node_modules/.bin/cdk synth -c pipeline=true",
                "+ ./fleetmq image build --manifest image-builder/manifests/broker.yaml",
                "+ ./fleetmq bench scenario bench/scenarios/smoke.yaml");
    }

    @Test
    void benchGateWithoutAnEndpointStartsALocalClusterAndStopsItAfterwards() throws Exception {
        Set<Integer> taken = new HashSet<>();
        int port = freeRange(1, taken);
        Path out = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "run-local-");
        Result r = run(Map.of("PIPELINE_OUT", out.toString(), "LOCAL_CLUSTER_PORT", "" + port,
                "LOCAL_NODE_BASE_PORT", "" + freeRange(3, taken), "LOCAL_CLUSTER_BASE_PORT", "" + freeRange(3, taken),
                "LOCAL_HTTP_BASE_PORT", "" + freeRange(3, taken)), "bench-gate");
        assertThat(r.exit).as(r.output).isZero();
        assertThat(r.output).contains("+ ./fleetmq cluster --dir " + out.resolve("cluster") + " up --port " + port)
                .contains("against 127.0.0.1:" + port + " passed").contains("stopped");
        assertThat(out.resolve("bench/bench-report.json")).isRegularFile();
        assertThat(bindable(port)).as("the cluster's endpoint is free again").isTrue();
    }

    @Test
    void anUnknownStepIsRefusedWithExitTwoNamingIt() throws Exception {
        Result r = run(Map.of(), "deploy-everything");
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.output).contains("unknown step 'deploy-everything'").contains("usage: pipelines/run-local.sh");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ami-build", "record", "promote", "release"})
    void stepsThatNeedAwsAreRefusedWithoutCredentials(String step) throws Exception {
        Result r = run(Map.of(), step);
        assertThat(r.exit).isEqualTo(1);
        assertThat(r.output).contains("step '" + step + "' needs AWS").doesNotContain("+ aws");
    }

    @Test
    void promoteRefusesAnImageTagBeforeWritingAnything() throws Exception {
        Map<String, String> env = promoteEnv("prod", "222222222222");
        env.put("IMAGE_DIGEST", "fleetmq/broker:latest");
        Result r = run(env, "--dry-run", "promote");
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.output).contains("pipelines/steps/promote.sh: IMAGE_DIGEST: must be an image digest")
                .doesNotContain("+ aws");
    }

    @Test
    void promoteToAnotherAccountSharesTheAmiAndItsKeyThenWritesThatEnvironmentsDeployInputsThroughItsReleaseRole()
            throws Exception {
        Map<String, String> env = promoteEnv("prod", "222222222222");
        Result r = run(env, "--dry-run", "promote");
        assertThat(r.exit).as(r.output).isZero();
        List<String> commands = r.output.lines().filter(l -> l.startsWith("+ aws")).toList();
        assertThat(commands).containsExactly(
                "+ aws ec2 modify-image-attribute --image-id ami-0123456789abcdef0 --launch-permission Add=[{UserId=222222222222}]",
                "+ aws sts assume-role --role-arn arn:aws:iam::222222222222:role/fleetmq-prod-release --role-session-name promote-prod",
                "+ aws kms create-grant --name fleetmq-ami-launch --key-id " + AMI_KEY + " --grantee-principal "
                        + "arn:aws:iam::222222222222:role/aws-service-role/autoscaling.amazonaws.com/"
                        + "AWSServiceRoleForAutoScaling --operations Decrypt GenerateDataKeyWithoutPlaintext "
                        + "ReEncryptFrom ReEncryptTo CreateGrant DescribeKey",
                "+ aws ssm put-parameter --name /fleetmq/prod/broker/image-digest --type String --overwrite --value " + DIGEST,
                "+ aws ssm put-parameter --name /fleetmq/prod/ami/eks-node --type String --overwrite --value ami-0123456789abcdef0");
        assertThat(r.output).as("the release record is the Release step's").doesNotContain("/release/");
    }

    @Test
    void promoteToAnotherAccountWithoutTheAmiKeyIsRefusedBeforeSharingAnything() throws Exception {
        Map<String, String> env = promoteEnv("prod", "222222222222");
        env.remove("AMI_KMS_KEY_ARN");
        Result r = run(env, "--dry-run", "promote");
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.output).contains("AMI_KMS_KEY_ARN").doesNotContain("+ aws");
    }

    @Test
    void releaseWritesOnlyThatEnvironmentsReleaseRecordThroughItsReleaseRole() throws Exception {
        Map<String, String> env = releaseEnv("prod", "222222222222");
        Result r = run(env, "--dry-run", "release");
        assertThat(r.exit).as(r.output).isZero();
        assertThat(r.output.lines().filter(l -> l.startsWith("+ aws")).toList()).containsExactly(
                "+ aws sts assume-role --role-arn arn:aws:iam::222222222222:role/fleetmq-prod-release --role-session-name release-prod",
                "+ aws ssm put-parameter --name /fleetmq/prod/release/image-digest --type String --overwrite --value " + DIGEST,
                "+ aws ssm put-parameter --name /fleetmq/prod/release/eks-node-ami --type String --overwrite --value ami-0123456789abcdef0");
    }

    @Test
    void releaseRefusesTheDeployInputsOrAnotherEnvironmentsRecord() throws Exception {
        for (String name : List.of("/fleetmq/prod/broker/image-digest", "/fleetmq/dev/release/image-digest")) {
            Map<String, String> env = releaseEnv("prod", "222222222222");
            env.put("ENV_RELEASE_DIGEST_PARAMETER", name);
            Result r = run(env, "--dry-run", "release");
            assertThat(r.exit).as(name).isEqualTo(2);
            assertThat(r.output).contains("must be under /fleetmq/prod/release/").doesNotContain("+ aws");
        }
    }

    private static Map<String, String> releaseEnv(String target, String account) {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("TARGET_ENV", target);
        env.put("IMAGE_DIGEST", DIGEST);
        env.put("EKS_NODE_AMI", "ami-0123456789abcdef0");
        env.put("ENV_RELEASE_DIGEST_PARAMETER", "/fleetmq/" + target + "/release/image-digest");
        env.put("ENV_RELEASE_AMI_PARAMETER", "/fleetmq/" + target + "/release/eks-node-ami");
        env.put("RELEASE_ROLE_ARN", "arn:aws:iam::" + account + ":role/fleetmq-" + target + "-release");
        return env;
    }

    @Test
    void promoteRefusesParametersOfAnotherEnvironment() throws Exception {
        Map<String, String> env = promoteEnv("prod", "222222222222");
        env.put("DIGEST_PARAMETER", "/fleetmq/dev/broker/image-digest");
        Result r = run(env, "--dry-run", "promote");
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.output).contains("must be under /fleetmq/prod/").doesNotContain("+ aws");
    }

    static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);
    static final String AMI_KEY = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000001";

    private static Map<String, String> promoteEnv(String target, String account) {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("TARGET_ENV", target);
        env.put("TARGET_ACCOUNT", account);
        env.put("PIPELINE_ACCOUNT", "111111111111");
        env.put("IMAGE_DIGEST", DIGEST);
        env.put("EKS_NODE_AMI", "ami-0123456789abcdef0");
        env.put("DIGEST_PARAMETER", "/fleetmq/" + target + "/broker/image-digest");
        env.put("AMI_PARAMETER", "/fleetmq/" + target + "/ami/eks-node");
        env.put("RELEASE_ROLE_ARN", "arn:aws:iam::" + account + ":role/fleetmq-" + target + "-release");
        env.put("AMI_KMS_KEY_ARN", AMI_KEY);
        return env;
    }

    @Test
    void theSynthStepEmitsThePipelineAndBothStagesOffline() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(ROOT.resolve("cdk-app/node_modules/.bin/cdk")),
                "CDK CLI not installed: run `npm ci` in cdk-app/ (.ci/run does) to run the synth step");
        Path out = Path.of("target", "cdk.out-pipeline-local");
        // The classes were built by this Maven run; bin/app.sh must not start another build.
        Result r = run(Map.of("CDK_OUT", "target/cdk.out-pipeline-local", "FLEETMQ_CDK_SKIP_BUILD", "1",
                "AWS_EC2_METADATA_DISABLED", "true", "CDK_DISABLE_VERSION_CHECK", "1"), "synth");
        assertThat(r.exit).as(r.output).isZero();
        assertThat(out.resolve("FleetMq-Pipeline.template.json")).isRegularFile();
        assertThat(out.resolve("FleetMq-dev-ReleaseAccess.template.json")).isRegularFile();
        assertThat(out.resolve("FleetMq-prod-ReleaseAccess.template.json")).isRegularFile();
        // Each stage is a nested assembly holding that environment's stacks.
        for (String env : List.of("dev", "prod")) {
            try (var files = Files.list(out.resolve("assembly-FleetMq-Pipeline-" + env))) {
                assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".template.json")))
                        .hasSize(5).anyMatch(n -> n.matches("FleetMqPipeline" + env + "FleetMq" + env
                                + "Broker[0-9A-F]+\\.template\\.json"));
            }
        }
        assertThat(Files.readString(out.resolve("FleetMq-Pipeline.template.json")))
                .contains("bash pipelines/steps/bench-gate.sh");
    }

    @Test
    void theImageBuildStepPushesTheImageOnceAndRecordsTheDigestTheRegistryServes(@org.junit.jupiter.api.io.TempDir Path work)
            throws Exception {
        Assumptions.assumeTrue(onPath("docker-registry") && onPath("skopeo"),
                "docker-registry and skopeo not installed (.ci/run installs them): the image-build step needs a registry");
        int port = freeRange(1, new HashSet<>());
        Path config = work.resolve("registry.yml");
        Files.writeString(config, """
                version: 0.1
                log:
                  level: warn
                storage:
                  filesystem:
                    rootdirectory: %s
                http:
                  addr: 127.0.0.1:%d
                """.formatted(work.resolve("registry-data"), port));
        Process registry = new ProcessBuilder("docker-registry", "serve", config.toString()).redirectErrorStream(true)
                .redirectOutput(work.resolve("registry.log").toFile()).start();
        try {
            waitForRegistry(port, registry);
            String ref = "127.0.0.1:" + port + "/fleetmq/broker:local";
            Path out = work.resolve("out");
            Result r = run(Map.of("IMAGE_DESTINATION", "registry:" + ref, "PIPELINE_OUT", out.toString()), "image-build");
            assertThat(r.exit).as(r.output).isZero();
            assertThat(r.output).contains("+ ./fleetmq image build --manifest image-builder/manifests/broker.yaml --to registry:" + ref);
            String digest = Files.readString(out.resolve("image-digest")).trim();
            assertThat(digest).matches("sha256:[0-9a-f]{64}");
            Process inspect = new ProcessBuilder("skopeo", "inspect", "--tls-verify=false", "--format", "{{.Digest}}",
                    "docker://" + ref).redirectErrorStream(true).start();
            String served = new String(inspect.getInputStream().readAllBytes()).trim();
            assertThat(inspect.waitFor(1, TimeUnit.MINUTES)).isTrue();
            assertThat(served).isEqualTo(digest);
        } finally {
            registry.destroy();
            registry.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static boolean onPath(String tool) {
        return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }

    private static void waitForRegistry(int port, Process registry) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!registry.isAlive()) {
                throw new AssertionError("docker-registry exited with " + registry.exitValue());
            }
            try (java.net.Socket ignored = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("docker-registry did not listen on 127.0.0.1:" + port + " within 30 s");
    }

    @Test
    void theGateScenarioThePipelineRunsIsValid() throws Exception {
        String scenario = PipelineSynth.get().config.benchScenario();
        Process p = new ProcessBuilder(ROOT.resolve("fleetmq").toString(), "bench", "scenario", "--check", scenario)
                .directory(ROOT.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("valid");
    }

    /** The bench gate against a real local cluster (2 nodes behind HAProxy) on free loopback ports. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class BenchGateAgainstALocalCluster {

        Path dir;
        Path clusterDir;
        int port;

        @BeforeAll
        void clusterUp() throws Exception {
            dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "bench-gate-");
            clusterDir = dir.resolve("cluster");
            Set<Integer> taken = new HashSet<>();
            port = freeRange(1, taken);
            int nodes = freeRange(2, taken);
            int cluster = freeRange(2, taken);
            int http = freeRange(2, taken);
            Result r = fleetmq("cluster", "--dir", clusterDir.toString(), "up", "--nodes", "2", "--port", "" + port,
                    "--node-base-port", "" + nodes, "--cluster-base-port", "" + cluster, "--http-base-port", "" + http);
            assertThat(r.exit).as("cluster up: %s", r.output).isZero();
        }

        @AfterAll
        void clusterDown() throws Exception {
            if (clusterDir != null && Files.isDirectory(clusterDir)) {
                fleetmq("cluster", "--dir", clusterDir.toString(), "down");
            }
        }

        @Test
        void aPassingScenarioLetsThePromotionGoOnAndLeavesTheReport() throws Exception {
            Path reports = dir.resolve("pass");
            Result r = run(Map.of("BENCH_ENDPOINT", "127.0.0.1:" + port, "BENCH_SCENARIO", "bench/scenarios/smoke.yaml",
                    "BENCH_REPORT_DIR", reports.toString()), "bench-gate");
            assertThat(r.exit).as(r.output).isZero();
            assertThat(r.output).contains("+ ./fleetmq bench scenario bench/scenarios/smoke.yaml --broker 127.0.0.1:" + port)
                    .contains("bench-gate: bench/scenarios/smoke.yaml against 127.0.0.1:" + port + " passed");
            assertThat(Files.readString(reports.resolve("bench-report.json"))).contains("\"receiveRatio\"");
        }

        @Test
        void aFailedSloStopsThePromotionWithANonZeroExitAndStillLeavesTheReport() throws Exception {
            // Publishers and subscribers on different topics: nothing is received, minReceiveRatio fails.
            Path scenario = dir.resolve("silent.yaml");
            Files.writeString(scenario, Files.readString(ROOT.resolve("bench/scenarios/smoke.yaml"))
                    .replace("name: smoke", "name: silent")
                    .replaceFirst("topic: smoke/all", "topic: smoke/nobody-publishes-here"));
            Path reports = dir.resolve("fail");
            Result r = run(Map.of("BENCH_ENDPOINT", "127.0.0.1:" + port, "BENCH_SCENARIO", scenario.toString(),
                    "BENCH_REPORT_DIR", reports.toString()), "bench-gate");
            assertThat(r.exit).as(r.output).isNotZero();
            assertThat(r.output).contains("SLO failed: minReceiveRatio").contains("promotion stopped");
            assertThat(reports.resolve("bench-report.json")).isRegularFile();
        }

        private Result fleetmq(String... args) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of(ROOT.resolve("fleetmq").toString()));
            command.addAll(List.of(args));
            Process p = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(3, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("fleetmq " + String.join(" ", args) + " did not finish: " + out);
            }
            return new Result(p.exitValue(), out);
        }
    }

    /** The first of {@code n} consecutive loopback ports that are all free now and not yet handed out. */
    static int freeRange(int n, Set<Integer> taken) throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(20000, 32000 - n);
            boolean ok = true;
            for (int p = base; p < base + n && ok; p++) {
                ok = !taken.contains(p) && bindable(p);
            }
            if (ok) {
                for (int p = base; p < base + n; p++) {
                    taken.add(p);
                }
                return base;
            }
        }
        throw new IOException("no " + n + " consecutive free loopback ports found in 20000-32000");
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
