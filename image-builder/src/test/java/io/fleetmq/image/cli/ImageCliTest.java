package io.fleetmq.image.cli;

import io.fleetmq.image.TestPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ImageCliTest {

    @TempDir
    Path tmp;

    private static String example(String name) {
        return TestPaths.manifests().resolve(name).toString();
    }

    /** 1-based line of the first line starting (after indentation) with {@code start}. */
    private static int lineOf(String text, String start) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].strip().startsWith(start)) {
                return i + 1;
            }
        }
        throw new AssertionError("fixture has no line starting with " + start);
    }

    @Test
    void validateSaysOkAndListsWhatTheRolesRender() {
        CliRun r = CliRun.run("validate", "--manifest", example("broker.yaml"));
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains(": OK: fleetmq-broker 0.1.0, roles fleetmq_broker, targets container")
                .contains("renders /etc/fleetmq/fleetmq.yaml from ");
    }

    @Test
    void aBadManifestIsOneLinePointingAtTheLineAndExitsTwoWithNothingBuilt() throws IOException {
        Path manifest = tmp.resolve("bad.yaml");
        String text = Files.readString(Path.of(example("broker.yaml")))
                .replace("fleetmq_broker_shutdown_grace_period: 20s", "fleetmq_broker_shutdown_grace: 20s");
        Files.writeString(manifest, text);
        int line = lineOf(text, "fleetmq_broker_shutdown_grace:");
        Path out = tmp.resolve("broker.tar");
        Path cache = tmp.resolve("cache");
        CliRun r = CliRun.run("build", "--manifest", manifest.toString(), "--to", "tar:" + out, "--cache",
                cache.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n")
                .startsWith(manifest + ":" + line
                        + ": roles[0].vars.fleetmq_broker_shutdown_grace: role fleetmq_broker has no variable")
                .contains("did you mean 'fleetmq_broker_shutdown_grace_period'?");
        assertThat(r.out()).isEmpty();
        assertThat(out).doesNotExist();
        assertThat(cache).doesNotExist();
    }

    @Test
    void validateAnswersABadManifestTheSameWay() throws IOException {
        Path manifest = tmp.resolve("bad.yaml");
        String text = Files.readString(Path.of(example("broker.yaml"))).replace("kind: ImageManifest",
                "kind: Manifest");
        Files.writeString(manifest, text);
        CliRun r = CliRun.run("validate", manifest.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo(manifest + ":" + lineOf(text, "kind:")
                + ": kind: must be ImageManifest, got \"Manifest\"");
    }

    @Test
    void aBadDestinationIsBadInput() {
        CliRun r = CliRun.run("build", "--manifest", example("broker.yaml"), "--to", "s3://bucket/x");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("fleetmq image: destination must start with tar:, registry: or ecr:, got \"s3://bucket/x\"");
    }

    @Test
    void aTarDestinationInAMissingDirectoryIsBadInput() {
        CliRun r = CliRun.run("build", "--manifest", example("broker.yaml"), "--to", "tar:"
                + tmp.resolve("no/such/dir/x.tar"));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("fleetmq image: tar: directory " + tmp.resolve("no/such/dir")
                + " does not exist");
    }

    @Test
    void anUnreachableRegistryIsAFailureInOneLine() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Path manifest = tmp.resolve("tiny.yaml");
        Path rootfs = Files.createDirectories(tmp.resolve("rootfs/bin"));
        Files.writeString(rootfs.resolve("sh"), "not a shell");
        Files.writeString(manifest, """
                apiVersion: fleetmq.io/v1alpha1
                kind: ImageManifest
                name: fleetmq-broker
                version: 0.1.0
                base:
                  rootfs:
                    path: %s
                runtime:
                  jlink:
                    modules: [java.base]
                roles:
                  - name: fleetmq_broker
                targets:
                  container:
                    repository: fleetmq/broker
                """.formatted(tmp.resolve("rootfs")));
        CliRun r = CliRun.run("build", "--manifest", manifest.toString(), "--to", "registry:127.0.0.1:" + closed
                + "/fleetmq/broker:0.1.0",
                "--cache", tmp.resolve("cache").toString());
        assertThat(r.exitCode()).isEqualTo(1);
        // One line saying what failed, after the progress lines; no digest on stdout.
        String[] lines = r.err().strip().split("\n");
        assertThat(lines[lines.length - 1]).startsWith("fleetmq image: ").contains("127.0.0.1:" + closed);
        assertThat(r.err().lines().filter(l -> l.startsWith("fleetmq image: "))).hasSize(1);
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aTarDestinationTakesOnePlatform() {
        CliRun r = CliRun.run("build", "--manifest", example("broker-production.yaml"), "--to", "tar:"
                + tmp.resolve("x.tar"));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("a tar: destination holds one platform");
        assertThat(tmp.resolve("x.tar")).doesNotExist();
    }

    @Test
    void aJlinkRuntimeIsRefusedForAnotherArchitecture() {
        String other = BuildCommand.hostArchitecture().equals("amd64") ? "linux/arm64" : "linux/amd64";
        CliRun r = CliRun.run("build", "--manifest", example("broker.yaml"), "--to", "tar:" + tmp.resolve("x.tar"),
                "--platform", other);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("runtime.jlink makes a runtime for this machine's platform");
    }

    @Test
    void aManifestWithoutAContainerTargetCannotBeBuilt() {
        CliRun r = CliRun.run("build", "--manifest", example("broker-node-ami.yaml"), "--to", "tar:"
                + tmp.resolve("x.tar"));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains(": targets: no container target");
    }

    @Test
    void dryRunPrintsThePlanAndBuildsNothing() {
        Path out = tmp.resolve("broker.tar");
        Path cache = tmp.resolve("cache");
        CliRun r = CliRun.run("build", "--manifest", example("broker-production.yaml"), "--to",
                "registry:127.0.0.1:5999/fleetmq/broker:0.1.0",
                "--dry-run", "--cache", cache.toString(), "--source-revision", "abc123");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("dry run: nothing is built or pushed")
                .contains("platforms    [linux/amd64, linux/arm64]")
                .contains("base         eclipse-temurin:17-jre@sha256:")
                .contains("/etc/fleetmq/fleetmq.yaml (644, 0:0)")
                .contains("user         10001:10001 (fleetmq)")
                .contains("ports        [1883, 7800, 8080, 8883]")
                .contains("entrypoint   /opt/java/openjdk/bin/java -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -XX:+UseZGC $FLEETMQ_JAVA_OPTS -cp ... io.fleetmq.broker.cli.FleetMqCli broker --config /etc/fleetmq/fleetmq.yaml")
                .contains("label        org.opencontainers.image.revision=abc123")
                .containsPattern("label        io\\.fleetmq\\.manifest\\.digest=sha256:[0-9a-f]{64}");
        assertThat(cache).doesNotExist();
    }

    @Test
    void dryRunWithJsonOutputGivesThePlanAsJson() throws Exception {
        CliRun r = CliRun.run("build", "--manifest", example("broker.yaml"), "--to", "tar:" + tmp.resolve("b.tar"),
                "--dry-run", "--output", "json", "--source-revision", "abc123");
        assertThat(r.exitCode()).as(r.err()).isZero();
        com.fasterxml.jackson.databind.JsonNode plan = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(r.out());
        assertThat(plan.get("dryRun").asBoolean()).isTrue();
        assertThat(plan.get("platforms").get(0).asText()).isEqualTo("linux/amd64");
        assertThat(plan.at("/files/~1etc~1fleetmq~1fleetmq.yaml/mode").asText()).isEqualTo("0644");
        assertThat(plan.get("user").asText()).isEqualTo("10001:10001");
        assertThat(plan.get("entrypoint").get(0).asText()).isEqualTo("/bin/sh");
        assertThat(plan.get("entrypoint").get(3).asText()).isEqualTo("/opt/java/bin/java");
        assertThat(plan.at("/labels/org.opencontainers.image.revision").asText()).isEqualTo("abc123");
        assertThat(tmp.resolve("b.tar")).doesNotExist();
    }

    @Test
    void helpShowsExamples() {
        CliRun r = CliRun.run("build", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("--to=DEST").contains("--dry-run").contains("Examples:")
                .contains("./fleetmq image build --manifest image-builder/manifests/broker.yaml --to tar:/tmp/broker.tar");
        assertThat(CliRun.run("--help").out()).contains("build").contains("validate").contains("inspect");
    }

    @Test
    void anUnknownOptionIsBadInputWithUsage() {
        CliRun r = CliRun.run("build", "--to", "tar:/tmp/x.tar", "--manifset", "x.yaml");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown option: '--manifset'").contains("Usage:");
    }

    @Test
    void inspectOfAMissingTarFailsWithOneLine() {
        CliRun r = CliRun.run("inspect", "tar:" + tmp.resolve("none.tar"));
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("fleetmq image: no such file: " + tmp.resolve("none.tar"));
    }
}
