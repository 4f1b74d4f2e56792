package io.fleetmq.image.ami;

import io.fleetmq.image.Processes;
import io.fleetmq.image.TestPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cleanup and validation steps every AMI build ends with (packer/scripts), run against a root filesystem folder:
 * validation fails naming each leftover, cleanup removes them and keeps everything else.
 */
class AmiScriptsTest {

    @TempDir
    Path root;

    private static Path script(String name) {
        return TestPaths.home().resolve("packer/scripts").resolve(name);
    }

    private void leaveBuildLeftovers() throws Exception {
        Files.createDirectories(root.resolve("etc/ssh"));
        Files.writeString(root.resolve("etc/ssh/ssh_host_ed25519_key"), "key");
        Files.writeString(root.resolve("etc/ssh/ssh_host_ed25519_key.pub"), "pub");
        Files.writeString(root.resolve("etc/ssh/sshd_config"), "Include /etc/ssh/sshd_config.d/*.conf\n");
        Files.createDirectories(root.resolve("var/lib/cloud/instances/i-0123"));
        Files.createDirectories(root.resolve("root"));
        Files.writeString(root.resolve("root/.bash_history"), "ls\n");
        Files.createDirectories(root.resolve("home/admin"));
        Files.writeString(root.resolve("home/admin/.bash_history"), "sudo -i\n");
        Files.writeString(root.resolve("etc/machine-id"), "0123456789abcdef0123456789abcdef\n");
    }

    @Test
    void validationFailsNamingEveryLeftover() throws Exception {
        leaveBuildLeftovers();
        Processes.Result r = Processes.run(null, 30, "sh", script("validate.sh").toString(), root.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.output()).contains("SSH host key /etc/ssh/ssh_host_ed25519_key")
                .contains("cloud-init state /var/lib/cloud/instances")
                .contains("shell history /root/.bash_history")
                .contains("shell history /home/admin/.bash_history")
                .contains("FAILED");
    }

    @Test
    void cleanupLeavesAnImageThatPassesValidation() throws Exception {
        leaveBuildLeftovers();
        Processes.Result cleanup = Processes.run(null, 30, "sh", script("cleanup.sh").toString(), root.toString());
        assertThat(cleanup.exitCode()).as(cleanup.output()).isZero();
        Processes.Result r = Processes.run(null, 30, "sh", script("validate.sh").toString(), root.toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("validate: OK");
        assertThat(root.resolve("etc/ssh/sshd_config")).as("configuration stays").isRegularFile();
        assertThat(root.resolve("etc/machine-id")).as("emptied, regenerated at first boot").isEmptyFile();
    }

    @Test
    void releaseInfoRecordsWhichManifestMadeTheImage() throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Processes.Result r = Processes.run(null, 30, "env", "FLEETMQ_MANIFEST_NAME=fleetmq-eks-node",
                "FLEETMQ_MANIFEST_VERSION=0.1.0", "FLEETMQ_MANIFEST_SHA256=abc123", "FLEETMQ_TEMPLATE=eks-node", "sh",
                script("release-info.sh").toString(), root.toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(root.resolve("etc/fleetmq-ami-release")).hasContent(
                "name=fleetmq-eks-node\nversion=0.1.0\nmanifest_sha256=abc123\ntemplate=eks-node\n");
    }

    @Test
    void releaseInfoWithoutTheManifestVariablesFailsAndWritesNothing() throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Processes.Result r = Processes.run(null, 30, "env", "-u", "FLEETMQ_MANIFEST_NAME", "sh",
                script("release-info.sh").toString(), root.toString());
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.output()).contains("FLEETMQ_MANIFEST_NAME");
        assertThat(root.resolve("etc")).isEmptyDirectory();
    }
}
