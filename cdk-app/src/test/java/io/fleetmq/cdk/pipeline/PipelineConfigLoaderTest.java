package io.fleetmq.cdk.pipeline;

import io.fleetmq.cdk.FleetMqApp;
import io.fleetmq.cdk.config.EnvironmentConfig;
import io.fleetmq.cdk.config.EnvironmentConfigException;
import io.fleetmq.cdk.config.EnvironmentLoader;
import io.fleetmq.cdk.support.Synth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PipelineConfigLoaderTest {

    private static final Path SHIPPED = PipelineStacks.PIPELINES_DIR.resolve("pipeline.yaml");

    @TempDir
    Path dir;

    private Path variant(String from, String to) throws IOException {
        String text = Files.readString(SHIPPED);
        assertThat(text).contains(from);
        Path file = dir.resolve("pipeline.yaml");
        Files.writeString(file, text.replace(from, to));
        return file;
    }

    @Test
    void theShippedFileLoadsWithDevBenchedBeforeProd() {
        PipelineConfig c = PipelineConfigLoader.load(SHIPPED);
        assertThat(c.environments()).containsExactly("dev", "prod");
        assertThat(c.source().branch()).isEqualTo("main");
        assertThat(c.benchScenario()).isEqualTo("bench/scenarios/gate.yaml");
    }

    @Test
    void anUnknownKeyIsRefusedNamingItsPath() throws IOException {
        Path file = variant("  branch: main", "  branch: main\n  brnach: dev");
        assertThatThrownBy(() -> PipelineConfigLoader.load(file)).isInstanceOf(EnvironmentConfigException.class)
                .hasMessageStartingWith("pipeline.yaml: source.brnach: unknown key");
    }

    @Test
    void aMissingBranchIsRefusedNamingTheKey() throws IOException {
        Path file = variant("  branch: main\n", "");
        assertThatThrownBy(() -> PipelineConfigLoader.load(file))
                .hasMessage("pipeline.yaml: source.branch: missing (required)");
    }

    @Test
    void aConnectionThatIsNotACodeConnectionsArnIsRefused() throws IOException {
        Path file = variant("arn:aws:codeconnections:eu-west-1:111111111111:connection/00000000-0000-0000-0000-000000000000",
                "github.com/example-org/fleetmq");
        assertThatThrownBy(() -> PipelineConfigLoader.load(file))
                .hasMessageStartingWith("pipeline.yaml: source.connectionArn: must be a CodeConnections connection ARN");
    }

    @Test
    void aBenchScenarioOutsideBenchScenariosIsRefused() throws IOException {
        Path file = variant("scenario: bench/scenarios/gate.yaml", "scenario: tmp/easy.yaml");
        assertThatThrownBy(() -> PipelineConfigLoader.load(file))
                .hasMessageStartingWith("pipeline.yaml: benchGate.scenario: must be a scenario from bench/scenarios/");
    }

    @Test
    void theSameEnvironmentTwiceIsRefused() throws IOException {
        Path file = variant("  prod: prod", "  prod: dev");
        assertThatThrownBy(() -> PipelineConfigLoader.load(file))
                .hasMessageStartingWith("pipeline.yaml: environments.prod: must differ from environments.dev");
    }

    @Test
    void anImageRepositoryTheEnvironmentsDoNotDeployIsRefused() throws IOException {
        PipelineConfig c = PipelineConfigLoader.load(variant("imageRepository: fleetmq/broker", "imageRepository: other/broker"));
        EnvironmentConfig dev = EnvironmentLoader.load(FleetMqApp.ENVS_DIR, Map.of("env", "dev"));
        EnvironmentConfig prod = EnvironmentLoader.load(FleetMqApp.ENVS_DIR, Map.of("env", "prod"));
        assertThatThrownBy(() -> PipelineStacks.create(new App(), c, dev, prod, PipelineStacks.PIPELINES_DIR))
                .hasMessageStartingWith("pipeline.yaml: artifacts.imageRepository: \"other/broker\" differs from "
                        + "envs/dev.yaml broker.imageRepository \"fleetmq/broker\"");
    }

    @Test
    void anEnvironmentPinnedToADigestCannotBeAPipelineStage() {
        EnvironmentConfig pinned = Synth.withDigest("dev").env;
        assertThatThrownBy(() -> new FleetMqStage(new App(), pinned))
                .hasMessageContaining("broker.imageDigest / nodes.amiId: must not be set for the pipeline");
    }

    @Test
    void pipelineSynthRefusesAnImageDigestFromContext() {
        App app = new App(AppProps.builder().context(Map.of("pipeline", "true", "imageDigest", Synth.DIGEST)).build());
        assertThatThrownBy(() -> FleetMqApp.createPipeline(app))
                .hasMessageStartingWith("context key 'imageDigest' is not used with -c pipeline=true");
    }
}
