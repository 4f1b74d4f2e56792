package io.fleetmq.image.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetmq.image.Processes;
import io.fleetmq.image.base.DebootstrapCache;
import io.fleetmq.image.manifest.BaseSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image itself, end to end through {@code fleetmq image build}: built on a real Debian minbase root filesystem
 * (debootstrap, cached in ~/.cache/fleetmq between runs), then rebuilt with separate caches and compared byte for
 * byte, pushed to a real registry (Debian's docker-registry on a free loopback port) and inspected with skopeo, and
 * finally unpacked with umoci and run with runc, where mosquitto_pub/mosquitto_sub talk to the broker inside.
 * The root filesystem is an input shared by the builds (like a base image would be); everything the builder caches
 * itself (jlink runtime, jib layers, packed base layer) is separate per build.
 */
class BrokerImageTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path work;
    private static Path manifest;
    private static Path tarA;
    private static JsonNode resultA;

    @BeforeAll
    static void buildOnce() throws Exception {
        Processes.assumeRoot("make a Debian root filesystem with debootstrap");
        Processes.assumeTools("make the Debian root filesystem the image is built on", "debootstrap");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of(System.getProperty("java.home"),
                "jmods")),
                "the JDK running the tests has no jmods for jlink (apt-get install openjdk-17-jdk-headless)");
        work = Files.createTempDirectory("fleetmq-image-test-");
        Path userCache = Path.of(System.getProperty("user.home"), ".cache", "fleetmq");
        Path rootfs = new DebootstrapCache(userCache).ensureRootfs(
                new BaseSpec.Debootstrap("bookworm", "minbase", "http://deb.debian.org/debian", List.of()),
                BuildCommand.hostArchitecture(), m -> { });
        manifest = work.resolve("broker-test.yaml");
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
                    modules: [java.base, java.desktop, java.logging, java.management, java.naming, java.xml, jdk.naming.dns, jdk.unsupported]
                roles:
                  - name: fleetmq_broker
                    vars:
                      fleetmq_broker_node_name: image-test
                      fleetmq_broker_shutdown_grace_period: 1s
                targets:
                  container:
                    repository: fleetmq/broker
                    tags: [0.1.0, test]
                """.formatted(rootfs));
        tarA = work.resolve("a.tar");
        resultA = build("tar:" + tarA, work.resolve("cache-a"));
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (work != null) {
            deleteTree(work);
        }
    }

    private static JsonNode build(String to, Path cache) throws IOException {
        CliRun r = CliRun.run("build", "--manifest", manifest.toString(), "--to", to, "--cache", cache.toString(),
                "--source-revision", "0123456789abcdef0123456789abcdef01234567", "--output", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("[1/5] read broker distribution").contains("[5/5] build and send image: done in");
        return JSON.readTree(r.out());
    }

    @Test
    void buildingTwiceWithSeparateCachesGivesTheSameDigestByteForByte() throws IOException {
        Path tarB = work.resolve("b.tar");
        JsonNode resultB = build("tar:" + tarB, work.resolve("cache-b"));
        assertThat(resultA.get("digest").asText()).matches("sha256:[0-9a-f]{64}");
        assertThat(resultB.get("digest").asText()).isEqualTo(resultA.get("digest").asText());
        assertThat(resultB.get("imageId").asText()).isEqualTo(resultA.get("imageId").asText());
        assertThat(Files.mismatch(tarA, tarB)).as("first differing byte of the two tars").isEqualTo(-1L);
    }

    @Test
    void pushingToALoopbackRegistryGivesTheSameDigestAndThePushedImageServesAsARegistryBase() throws Exception {
        Processes.assumeTools("run a registry and inspect the pushed image", "docker-registry", "skopeo");
        int port = Processes.freePort();
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
            waitForHttp("http://127.0.0.1:" + port + "/v2/", registry);
            String ref = "127.0.0.1:" + port + "/fleetmq/broker:0.1.0";
            JsonNode pushed = build("registry:" + ref, work.resolve("cache-a"));
            assertThat(pushed.get("digest").asText()).isEqualTo(resultA.get("digest").asText());

            JsonNode inspected = JSON.readTree(Processes.ok(60, "skopeo", "inspect", "--tls-verify=false", "docker://" + ref));
            assertThat(inspected.get("Digest").asText()).isEqualTo(resultA.get("digest").asText());
            assertThat(inspected.get("Labels").get("org.opencontainers.image.version").asText()).isEqualTo("0.1.0");
            assertThat(inspected.get("Labels").get("org.opencontainers.image.revision").asText())
                    .isEqualTo("0123456789abcdef0123456789abcdef01234567");
            assertThat(inspected.get("Labels").get("io.fleetmq.manifest.digest").asText())
                    .matches("sha256:[0-9a-f]{64}");
            // The manifest's other tag was pushed too.
            JsonNode tags = JSON.readTree(Processes.ok(60, "skopeo", "list-tags", "--tls-verify=false", "docker://127.0.0.1:" + port + "/fleetmq/broker"));
            assertThat(tags.get("Tags")).extracting(JsonNode::asText).contains("0.1.0", "test");

            CliRun inspect = CliRun.run("inspect", "registry:" + ref);
            assertThat(inspect.exitCode()).as(inspect.err()).isZero();
            assertThat(inspect.out()).contains("digest     " + resultA.get("digest").asText())
                    .contains("user       10001:10001");

            // The production path: a base pulled from a registry, pinned by digest, bringing its own JRE. Here the
            // image just pushed serves as that base (it has a JRE at /opt/java), pulled from the loopback registry.
            String baseRef = "127.0.0.1:" + port + "/fleetmq/broker@" + resultA.get("digest").asText();
            Path onRegistryBase = work.resolve("on-registry-base.yaml");
            Files.writeString(onRegistryBase, Files.readString(manifest)
                    .replaceFirst("base:\n  rootfs:\n    path: .*\n", "base:\n  image: " + baseRef + "\n")
                    .replaceFirst("runtime:\n  jlink:\n    modules: .*\n",
                            "runtime:\n  base:\n    javaHome: /opt/java\n"));
            CliRun derived = CliRun.run("build", "--manifest", onRegistryBase.toString(), "--to", "tar:"
                    + work.resolve("derived.tar"),
                    "--cache", work.resolve("cache-c").toString(), "--output", "json");
            assertThat(derived.exitCode()).as(derived.err()).isZero();
            assertThat(derived.err()).contains("[3/4] prepare base: registry image " + baseRef);
            CliRun derivedInspect = CliRun.run("inspect", "tar:" + work.resolve("derived.tar"));
            assertThat(derivedInspect.out()).contains("label      org.opencontainers.image.base.name=" + baseRef)
                    .contains("\"/opt/java/bin/java\"]");
        } finally {
            registry.destroy();
            if (!registry.waitFor(10, TimeUnit.SECONDS)) {
                registry.destroyForcibly();
            }
        }
    }

    @Test
    void aDockerSaveTarServesAsBase() throws IOException {
        // Machines without registry access can start from a `docker save` tar; the image built above is one.
        Path onTarBase = work.resolve("on-tar-base.yaml");
        Files.writeString(onTarBase, Files.readString(manifest)
                .replaceFirst("base:\n  rootfs:\n    path: .*\n", "base:\n  dockerTar: " + tarA + "\n")
                .replaceFirst("runtime:\n  jlink:\n    modules: .*\n", "runtime:\n  base:\n    javaHome: /opt/java\n")
                .replace("fleetmq_broker_node_name: image-test", "fleetmq_broker_node_name: on-tar-base"));
        Path out = work.resolve("on-tar-base.tar");
        CliRun r = CliRun.run("build", "--manifest", onTarBase.toString(), "--to", "tar:" + out, "--cache",
                work.resolve("cache-d").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("[3/4] prepare base: docker-save tar " + tarA);
        CliRun inspect = CliRun.run("inspect", "tar:" + out);
        // The base's five layers, then this build's dependencies, classes and configuration (no runtime layer).
        assertThat(inspect.out()).contains("layer 7 ").doesNotContain("layer 8 ").contains("\"/opt/java/bin/java\"]");
    }

    @Test
    void theExampleManifestPrintsTheSameDigestOnEveryBuild() throws IOException {
        // Exactly what `./fleetmq image build --manifest image-builder/manifests/broker.yaml --to tar:...` does,
        // default cache included (~/.cache/fleetmq, where buildOnce already made the debootstrap root filesystem).
        String example = io.fleetmq.image.TestPaths.manifests().resolve("broker.yaml").toString();
        String[] digests = new String[2];
        for (int i = 0; i < 2; i++) {
            Path tar = work.resolve("example-" + i + ".tar");
            CliRun r = CliRun.run("build", "--manifest", example, "--to", "tar:" + tar);
            assertThat(r.exitCode()).as(r.err()).isZero();
            String[] lines = r.out().strip().split("\n");
            digests[i] = lines[lines.length - 1];
            assertThat(tar).isRegularFile();
        }
        assertThat(digests[0]).matches("sha256:[0-9a-f]{64}").isEqualTo(digests[1]);
        assertThat(Files.mismatch(work.resolve("example-0.tar"), work.resolve("example-1.tar"))).isEqualTo(-1L);
    }

    @Test
    void theProductionManifestsJreBaseFromDockerHubNeedsRegistryAccess() {
        // broker-production.yaml pins eclipse-temurin:17-jre by digest for linux/amd64 + linux/arm64. This machine
        // reaches no public container registry, so that exact build cannot run here; the registry-base code path
        // itself is exercised against the loopback registry in pushingToALoopbackRegistryGivesTheSameDigestAndThePushedImageServesAsARegistryBase.
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("IMAGE_TEST_DOCKER_HUB") != null,
                "no access to Docker Hub from this machine (set IMAGE_TEST_DOCKER_HUB=1 where there is)");
        CliRun r = CliRun.run("build", "--manifest", io.fleetmq.image.TestPaths.manifests()
                .resolve("broker-production.yaml").toString(),
                "--to", "tar:" + work.resolve("production-amd64.tar"), "--platform", "linux/amd64", "--cache",
                        work.resolve("cache-p").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    @Test
    void inspectingTheTarShowsTheDigestARegistryWouldGiveAndTheUserPortsAndLabels() {
        CliRun r = CliRun.run("inspect", "tar:" + tarA);
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("digest     " + resultA.get("digest").asText())
                .contains("image id   " + resultA.get("imageId").asText())
                .contains("user       10001:10001")
                .contains("ports      1883/tcp 7800/tcp 8080/tcp 8883/tcp")
                .contains("label      org.opencontainers.image.title=fleetmq-broker")
                .contains("io.fleetmq.broker.cli.FleetMqCli broker --config /etc/fleetmq/fleetmq.yaml \\\"$@\\\"\",\"/opt/java/bin/java\"]");
    }

    @Test
    void theImageStartsABrokerThatMqttClientsUse() throws Exception {
        Processes.assumeTools("unpack and run the image and talk MQTT to it", "skopeo", "umoci", "runc",
                "mosquitto_pub", "mosquitto_sub");
        Path oci = work.resolve("oci");
        Path bundle = work.resolve("bundle");
        Processes.ok(120, "skopeo", "copy", "--quiet", "docker-archive:" + tarA, "oci:" + oci + ":broker");
        Processes.ok(120, "umoci", "unpack", "--image", oci + ":broker", bundle.toString());
        Path rootfs = bundle.resolve("rootfs");

        // What the image ships, as unpacked: the rendered configuration, the SBOM, a data directory the broker owns.
        assertThat(Files.readString(rootfs.resolve("etc/fleetmq/fleetmq.yaml"))).contains("nodeName: \"image-test\"")
                .contains("bind: \"0.0.0.0\"");
        JsonNode sbom = JSON.readTree(rootfs.resolve("opt/fleetmq/sbom/fleetmq-broker.cdx.json").toFile());
        assertThat(sbom.get("components")).extracting(c -> c.get("name").asText()).contains("netty-codec-mqtt",
                "snakeyaml");
        assertThat(Files.getAttribute(rootfs.resolve("var/lib/fleetmq"), "unix:uid")).isEqualTo(10001);

        int port = Processes.freePort();
        String id = "fleetmq-test-" + ProcessHandle.current().pid();
        prepareRuncConfig(bundle.resolve("config.json"), port);
        Process container = new ProcessBuilder("runc", "run", "--bundle", bundle.toString(), id)
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("container.log").toFile()).start();
        try {
            waitForPort(port, container);
            JsonNode state = JSON.readTree(Processes.ok(30, "runc", "state", id));
            String status = Files.readString(Path.of("/proc", state.get("pid").asText(), "status"));
            assertThat(status).containsPattern("Uid:\\s+10001\\s");

            Process sub = new ProcessBuilder("mosquitto_sub", "-h", "127.0.0.1", "-p", String.valueOf(port), "-t",
                    "fleet/+/temp",
                    "-q", "1", "-C", "1", "-W", "60", "-v").redirectErrorStream(true).start();
            // The subscription lands at some point after mosquitto_sub starts (a slow machine may take seconds):
            // publish until the subscriber has its message and exits, instead of guessing a delay.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!sub.waitFor(500, TimeUnit.MILLISECONDS) && System.nanoTime() < deadline) {
                Processes.ok(30, "mosquitto_pub", "-h", "127.0.0.1", "-p", String.valueOf(port), "-t",
                        "fleet/truck-1/temp", "-m", "21.5", "-q", "1");
            }
            assertThat(sub.isAlive()).as("mosquitto_sub received a message").isFalse();
            assertThat(new String(sub.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip())
                    .isEqualTo("fleet/truck-1/temp 21.5");

            Processes.ok(30, "runc", "kill", id, "TERM");
            assertThat(container.waitFor(30, TimeUnit.SECONDS)).as("broker stops on SIGTERM").isTrue();
            assertThat(container.exitValue()).isZero();
            assertThat(Files.readString(work.resolve("container.log"))).contains("node image-test running")
                    .contains("broker stopped");
        } finally {
            if (container.isAlive()) {
                Processes.run(null, 30, "runc", "kill", id, "KILL");
                container.waitFor(30, TimeUnit.SECONDS);
            }
            Processes.run(null, 30, "runc", "delete", "--force", id);
        }
    }

    /**
     * umoci writes a config for an interactive container in its own network namespace; the test runs it detached
     * from a terminal and on the host's network (like {@code --network host}) so clients on 127.0.0.1 reach it, on a
     * free port given through the broker's own FLEETMQ_* environment override.
     */
    private static void prepareRuncConfig(Path configFile, int port) throws IOException {
        com.fasterxml.jackson.databind.node.ObjectNode config = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(configFile.toFile());
        com.fasterxml.jackson.databind.node.ObjectNode process = (com.fasterxml.jackson.databind.node.ObjectNode) config.get("process");
        process.put("terminal", false);
        ((com.fasterxml.jackson.databind.node.ArrayNode) process.get("env")).add("FLEETMQ_LISTENERS_TCP_PORT=" + port);
        com.fasterxml.jackson.databind.node.ArrayNode namespaces = (com.fasterxml.jackson.databind.node.ArrayNode) config.get("linux").get("namespaces");
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            if (namespaces.get(i).get("type").asText().equals("network")) {
                namespaces.remove(i);
            }
        }
        JSON.writeValue(configFile.toFile(), config);
    }

    private static void waitForPort(int port, Process owner) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!owner.isAlive()) {
                throw new AssertionError("container exited with " + owner.exitValue() + ": "
                        + Files.readString(work.resolve("container.log")));
            }
            try {
                new Socket("127.0.0.1", port).close();
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new AssertionError("broker in the container did not listen on " + port + " within 60 s: "
                + Files.readString(work.resolve("container.log")));
    }

    private static void waitForHttp(String url, Process owner) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!owner.isAlive()) {
                throw new AssertionError("docker-registry exited: " + Files.readString(work.resolve("registry.log")));
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("docker-registry did not answer on " + url);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
