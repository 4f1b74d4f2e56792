package io.fleetmq.image.sbom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CycloneDxWriterTest {

    @TempDir
    Path tmp;

    private Path jar(String relative, String content) throws IOException {
        Path p = tmp.resolve("repository").resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        return p;
    }

    @Test
    void listsEachJarWithItsCoordinatesPurlAndHash() throws IOException {
        Path netty = jar("io/netty/netty-transport-native-epoll/4.1.135.Final/netty-transport-native-epoll-4.1.135.Final-linux-x86_64.jar", "epoll");
        Path yaml = jar("org/yaml/snakeyaml/2.5/snakeyaml-2.5.jar", "yaml");
        byte[] bom = CycloneDxWriter.write("0.1.0", List.of(netty, yaml), Instant.parse("2026-11-01T00:00:00Z"));
        JsonNode json = new ObjectMapper().readTree(bom);
        assertThat(json.get("bomFormat").asText()).isEqualTo("CycloneDX");
        assertThat(json.get("specVersion").asText()).isEqualTo("1.5");
        assertThat(json.get("serialNumber").asText()).matches("urn:uuid:[0-9a-f-]{36}");
        assertThat(json.at("/metadata/timestamp").asText()).isEqualTo("2026-11-01T00:00:00Z");
        assertThat(json.at("/metadata/component/purl").asText()).isEqualTo("pkg:maven/io.fleetmq/fleetmq-broker@0.1.0");
        JsonNode first = json.get("components").get(0);
        assertThat(first.get("purl").asText())
                .isEqualTo("pkg:maven/io.netty/netty-transport-native-epoll@4.1.135.Final?classifier=linux-x86_64");
        assertThat(first.at("/hashes/0/content").asText())
                .isEqualTo(sha256("epoll"));
        assertThat(json.get("components").get(1).get("group").asText()).isEqualTo("org.yaml");
    }

    @Test
    void theSameJarsGiveTheSameBytes() throws IOException {
        Path yaml = jar("org/yaml/snakeyaml/2.5/snakeyaml-2.5.jar", "yaml");
        Instant t = Instant.EPOCH;
        assertThat(CycloneDxWriter.write("0.1.0", List.of(yaml), t)).isEqualTo(CycloneDxWriter.write("0.1.0",
                List.of(yaml), t));
    }

    @Test
    void aJarOutsideAMavenRepositoryIsRefused() throws IOException {
        Path loose = Files.writeString(tmp.resolve("loose.jar"), "x");
        assertThatThrownBy(() -> CycloneDxWriter.write("0.1.0", List.of(loose), Instant.EPOCH))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not in a Maven repository layout");
    }

    private static String sha256(String s) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
