package io.fleetmq.broker.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Keeps README.md, docs/configuration.md and docs/fleetmq.example.yaml in step with {@link ConfigSchema}. */
class DocumentationTest {

    /** The repository root: the nearest directory up from the module holding {@code mvnw}. */
    private static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("mvnw")) && Files.isDirectory(p.resolve("docs"))) {
                return p;
            }
        }
        throw new IllegalStateException("repository root not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void exampleYamlLoadsToExactlyTheDefaults() {
        Path example = repoRoot().resolve("docs/fleetmq.example.yaml");

        BrokerConfig c = ConfigLoader.load(example, List.of(), Map.of());

        assertThat(ConfigSchema.valuesOf(c)).isEqualTo(ConfigSchema.valuesOf(BrokerConfig.defaults()));
    }

    @Test
    void exampleYamlSetsEveryKey() throws IOException {
        String example = Files.readString(repoRoot().resolve("docs/fleetmq.example.yaml"));

        for (ConfigSchema.Key key : ConfigSchema.keys()) {
            String leaf = key.name().substring(key.name().lastIndexOf('.') + 1);
            assertThat(example).as(key.name()).containsPattern("(?m)^\\s*" + leaf + ":");
        }
    }

    @Test
    void configurationReferenceMentionsEveryKeyAndItsEnvironmentName() throws IOException {
        String doc = Files.readString(repoRoot().resolve("docs/configuration.md"));

        for (ConfigSchema.Key key : ConfigSchema.keys()) {
            assertThat(doc).as(key.name()).contains("`" + key.name() + "`").contains(key.envName());
        }
    }

    @Test
    void configurationTablesInDocsMatchTheSchema() throws IOException {
        String table = ConfigSchema.markdownTable();

        assertThat(Files.readString(repoRoot().resolve("README.md")))
                .as("README.md table; regenerate from ConfigSchema.markdownTable()").contains(table);
        assertThat(Files.readString(repoRoot().resolve("docs/configuration.md")))
                .as("docs/configuration.md table; regenerate from ConfigSchema.markdownTable()").contains(table);
    }

    @Test
    void readmeGivesTheExactCommandsTheCiRuns() throws IOException {
        String readme = Files.readString(repoRoot().resolve("README.md"));
        String ci = Files.readString(repoRoot().resolve(".ci/run"));

        assertThat(readme).contains("./fleetmq cluster up").contains("./fleetmq broker").contains("./mvnw -B verify");
        assertThat(ci).contains("./mvnw -B verify");
    }
}
