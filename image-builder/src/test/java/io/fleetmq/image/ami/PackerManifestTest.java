package io.fleetmq.image.ami;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading the AMI id back from the file Packer's manifest post-processor writes (its documented format). */
class PackerManifestTest {

    @TempDir
    Path tmp;

    @Test
    void amiIdIsTakenFromTheLastRunInTheTargetRegion() throws Exception {
        Path m = Files.writeString(tmp.resolve("packer-manifest.json"), """
                {
                  "builds": [
                    {"name": "broker-node", "builder_type": "amazon-ebs", "build_time": 1700000000,
                     "artifact_id": "eu-west-1:ami-0aaaaaaaaaaaaaaaa", "packer_run_uuid": "old-run"},
                    {"name": "broker-node", "builder_type": "amazon-ebs", "build_time": 1700000500,
                     "artifact_id": "us-east-1:ami-0bbbbbbbbbbbbbbbb,eu-west-1:ami-0123456789abcdef0",
                     "packer_run_uuid": "new-run"}
                  ],
                  "last_run_uuid": "new-run"
                }
                """);
        assertThat(PackerManifest.amiId(m, "eu-west-1")).isEqualTo("ami-0123456789abcdef0");
    }

    @Test
    void lastRunWithoutAnAmiInTheRegionIsAnErrorNamingTheArtifact() throws IOException {
        Path m = Files.writeString(tmp.resolve("packer-manifest.json"), """
                {"builds": [{"artifact_id": "us-east-1:ami-0bbbbbbbbbbbbbbbb", "packer_run_uuid": "r"}],
                 "last_run_uuid": "r"}
                """);
        assertThatThrownBy(() -> PackerManifest.amiId(m, "eu-west-1")).isInstanceOf(IOException.class)
                .hasMessageContaining("us-east-1:ami-0bbbbbbbbbbbbbbbb").hasMessageContaining("eu-west-1");
    }

    @Test
    void missingManifestIsAnErrorNamingThePath() {
        Path m = tmp.resolve("none.json");
        assertThatThrownBy(() -> PackerManifest.amiId(m, "eu-west-1")).isInstanceOf(IOException.class)
                .hasMessageContaining("Packer wrote no manifest at " + m);
    }
}
