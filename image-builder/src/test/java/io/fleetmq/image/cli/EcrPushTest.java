package io.fleetmq.image.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.ImageTagMutability;
import software.amazon.awssdk.services.ecr.model.Repository;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --to ecr:REPO} against LocalStack: the repository is created with immutable tags and the pushed image has
 * the digest the build printed. Needs a Docker engine (Testcontainers) and, because ECR is a LocalStack Pro service,
 * a LOCALSTACK_AUTH_TOKEN; without either the test is skipped with that reason, never faked.
 */
@Testcontainers(disabledWithoutDocker = true)
class EcrPushTest {

    /** LocalStack's Pro image (ECR is not in the community edition), pinned. */
    private static final DockerImageName LOCALSTACK = DockerImageName.parse("localstack/localstack-pro:4.0.0")
            .asCompatibleSubstituteFor("localstack/localstack");

    @TempDir
    Path tmp;

    @Test
    void pushingToEcrCreatesAnImmutableRepositoryAndStoresTheBuiltDigest() throws Exception {
        String token = System.getenv("LOCALSTACK_AUTH_TOKEN");
        Assumptions.assumeTrue(token != null && !token.isBlank(),
                "ECR is a LocalStack Pro service: set LOCALSTACK_AUTH_TOKEN to run this test");
        try (LocalStackContainer localstack = new LocalStackContainer(LOCALSTACK).withEnv("LOCALSTACK_AUTH_TOKEN",
                token)) {
            localstack.start();
            Map<String, String> env = Map.of(
                    "AWS_ENDPOINT_URL", localstack.getEndpoint().toString(),
                    "AWS_REGION", localstack.getRegion(),
                    "AWS_ACCESS_KEY_ID", localstack.getAccessKey(),
                    "AWS_SECRET_ACCESS_KEY", localstack.getSecretKey());
            Path manifest = tmp.resolve("ecr.yaml");
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
                    """.formatted(tinyRootfs()));
            CliRun r = CliRun.run(env, "build", "--manifest", manifest.toString(), "--to", "ecr:fleetmq/broker:0.1.0",
                    "--cache", tmp.resolve("cache").toString(), "--output", "json");
            assertThat(r.exitCode()).as(r.err()).isZero();
            JsonNode result = new ObjectMapper().readTree(r.out());

            try (EcrClient ecr = EcrClient.builder().endpointOverride(localstack.getEndpoint())
                    .region(Region.of(localstack.getRegion()))
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(localstack.getAccessKey(), localstack.getSecretKey())))
                    .build()) {
                Repository repo = ecr.describeRepositories(d -> d.repositoryNames("fleetmq/broker")).repositories()
                        .get(0);
                assertThat(repo.imageTagMutability()).isEqualTo(ImageTagMutability.IMMUTABLE);
                String digest = ecr.describeImages(d -> d.repositoryName("fleetmq/broker")).imageDetails().get(0)
                        .imageDigest();
                assertThat(digest).isEqualTo(result.get("digest").asText());
            }
        }
    }

    /** A root filesystem just big enough to be one: the image is pushed, not run. */
    private Path tinyRootfs() throws Exception {
        Path root = tmp.resolve("rootfs");
        Files.createDirectories(root.resolve("bin"));
        Files.writeString(root.resolve("bin/sh"), "not a shell");
        Files.setPosixFilePermissions(root.resolve("bin/sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        return root;
    }
}
