package io.fleetmq.cdk.config;

import io.fleetmq.cdk.FleetMqApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvironmentLoaderTest {

    private static final String DIGEST = "sha256:" + "a".repeat(64);

    private static EnvironmentConfig load(Map<String, ?> context) {
        return EnvironmentLoader.load(FleetMqApp.ENVS_DIR, context);
    }

    @Test
    void devHasTwoZonesOneNatAndReadsTheDigestAndAmiFromSsmByDefault() {
        EnvironmentConfig dev = load(Map.of("env", "dev"));
        assertThat(dev.production()).isFalse();
        assertThat(dev.availabilityZones()).containsExactly("eu-west-1a", "eu-west-1b");
        assertThat(dev.network().natGateways()).isEqualTo(1);
        assertThat(dev.broker().imageDigest()).isEmpty();
        assertThat(dev.broker().imageDigestParameter()).isEqualTo("/fleetmq/dev/broker/image-digest");
        assertThat(dev.nodes().amiParameter()).isEqualTo("/fleetmq/dev/ami/eks-node");
        assertThat(dev.nodes().amiId()).isEmpty();
    }

    @Test
    void prodHasThreeZonesAndOneNatPerZone() {
        EnvironmentConfig prod = load(Map.of("env", "prod"));
        assertThat(prod.production()).isTrue();
        assertThat(prod.availabilityZones()).hasSize(3);
        assertThat(prod.network().natGateways()).isEqualTo(3);
        assertThat(prod.broker().minReplicas()).isGreaterThanOrEqualTo(3);
        assertThat(prod.alarms().email()).isPresent();
    }

    @Test
    void contextOverridesDigestAmiAndAccount() {
        EnvironmentConfig dev = load(Map.of("env", "dev", "imageDigest", DIGEST, "amiId", "ami-0123456789abcdef0",
                "account", "123456789012"));
        assertThat(dev.broker().imageDigest()).contains(DIGEST);
        assertThat(dev.nodes().amiId()).contains("ami-0123456789abcdef0");
        assertThat(dev.account()).isEqualTo("123456789012");
    }

    @Test
    void missingEnvNamesTheContextKeyAndTheKnownEnvironments() {
        assertThatThrownBy(() -> load(Map.of()))
                .isInstanceOf(EnvironmentConfigException.class)
                .hasMessageContaining("context key 'env' is missing")
                .hasMessageContaining("-c env=<name>")
                .hasMessageContaining("[dev, prod]");
    }

    @Test
    void unknownEnvNamesTheContextKey() {
        assertThatThrownBy(() -> load(Map.of("env", "staging")))
                .hasMessageContaining("context key 'env': no environment 'staging'")
                .hasMessageContaining("known: [dev, prod]");
    }

    @Test
    void aTagInsteadOfADigestIsRejectedNamingTheContextKey() {
        assertThatThrownBy(() -> load(Map.of("env", "dev", "imageDigest", "1.4.0")))
                .isInstanceOf(EnvironmentConfigException.class)
                .hasMessageStartingWith("context key 'imageDigest': must be an immutable image digest")
                .hasMessageContaining("got \"1.4.0\"");
        assertThatThrownBy(() -> load(Map.of("env", "dev", "imageDigest", "fleetmq/broker:latest")))
                .hasMessageContaining("context key 'imageDigest'");
    }

    @Test
    void aBadAmiIdIsRejectedNamingTheContextKey() {
        assertThatThrownBy(() -> load(Map.of("env", "dev", "amiId", "ubuntu-latest")))
                .hasMessageStartingWith("context key 'amiId': must be an AMI id");
    }

    @Test
    void aTagInTheEnvironmentFileIsRejectedNamingFileAndKey(@TempDir Path dir) throws IOException {
        Path envs = copyDev(dir, Map.of("  minReplicas: 2", "  imageDigest: latest\n  minReplicas: 2"));
        assertThatThrownBy(() -> EnvironmentLoader.load(envs, Map.of("env", "dev")))
                .hasMessageStartingWith(envs.resolve("dev.yaml") + ": broker.imageDigest: must be an immutable image digest");
    }

    @Test
    void anUnknownKeyIsReportedNotIgnored(@TempDir Path dir) throws IOException {
        Path envs = copyDev(dir, Map.of("  natGateways: 1", "  natGateways: 1\n  natGateway: 2"));
        assertThatThrownBy(() -> EnvironmentLoader.load(envs, Map.of("env", "dev")))
                .hasMessageContaining("network.natGateway: unknown key");
    }

    @Test
    void aMissingKeyIsNamedWithItsSection(@TempDir Path dir) throws IOException {
        Path envs = copyDev(dir, Map.of("  maxReplicas: 6\n", ""));
        assertThatThrownBy(() -> EnvironmentLoader.load(envs, Map.of("env", "dev")))
                .hasMessageContaining("broker.maxReplicas: is missing");
    }

    @Test
    void productionWithOneNatGatewayIsRejected(@TempDir Path dir) throws IOException {
        Path envs = copy(dir, "prod", Map.of("  natGateways: 3", "  natGateways: 1"));
        assertThatThrownBy(() -> EnvironmentLoader.load(envs, Map.of("env", "prod")))
                .hasMessageContaining("network.natGateways: production needs one NAT gateway per AZ (3), got 1");
    }

    @Test
    void productionWithTwoZonesIsRejected(@TempDir Path dir) throws IOException {
        Path envs = copy(dir, "prod", Map.of("[eu-west-1a, eu-west-1b, eu-west-1c]", "[eu-west-1a, eu-west-1b]",
                "  natGateways: 3", "  natGateways: 2"));
        assertThatThrownBy(() -> EnvironmentLoader.load(envs, Map.of("env", "prod")))
                .hasMessageContaining("availabilityZones: production needs 3 availability zones, got 2");
    }

    @Test
    void zonesOutsideTheRegionAreRejected(@TempDir Path dir) throws IOException {
        Path envs = copyDev(dir, Map.of("[eu-west-1a, eu-west-1b]", "[eu-west-1a, us-east-1b]"));
        assertThatThrownBy(() -> EnvironmentLoader.load(envs, Map.of("env", "dev")))
                .hasMessageContaining("availabilityZones: must be zones of eu-west-1")
                .hasMessageContaining("us-east-1b");
    }

    @Test
    void anUnquotedAccountIdIsRejectedWithAHint(@TempDir Path dir) throws IOException {
        Path envs = copyDev(dir, Map.of("account: \"111111111111\"", "account: 111111111111"));
        assertThatThrownBy(() -> EnvironmentLoader.load(envs, Map.of("env", "dev")))
                .hasMessageContaining("account: must be a 12-digit AWS account id (quote it in YAML)");
    }

    @Test
    void maxBelowMinIsRejected(@TempDir Path dir) throws IOException {
        Path envs = copyDev(dir, Map.of("  maxPerAz: 3", "  maxPerAz: 0"));
        assertThatThrownBy(() -> EnvironmentLoader.load(envs, Map.of("env", "dev")))
                .hasMessageContaining("nodes.maxPerAz: must be an integer between 1 and 100, got \"0\"");
    }

    @Test
    void nodeGroupsOfMixedArchitecturesAreRefusedNamingTheKey(@TempDir Path dir) throws IOException {
        Path envs = copyDev(dir, Map.of("instanceTypes: [c6i.xlarge]", "instanceTypes: [c6i.xlarge, c7g.xlarge]"));
        assertThatThrownBy(() -> EnvironmentLoader.load(envs, Map.of("env", "dev")))
                .hasMessageContaining("nodes.instanceTypes: mixes CPU architectures");
    }

    private static Path copyDev(Path dir, Map<String, String> replacements) throws IOException {
        return copy(dir, "dev", replacements);
    }

    private static Path copy(Path dir, String env, Map<String, String> replacements) throws IOException {
        String text = Files.readString(FleetMqApp.ENVS_DIR.resolve(env + ".yaml"));
        for (var r : new HashMap<>(replacements).entrySet()) {
            assertThat(text).as("fixture edit target").contains(r.getKey());
            text = text.replace(r.getKey(), r.getValue());
        }
        Files.writeString(dir.resolve(env + ".yaml"), text);
        return dir;
    }
}
