package io.fleetmq.image.cli;

import io.fleetmq.image.Processes;
import io.fleetmq.image.TestPaths;
import io.fleetmq.image.ami.BuildPlacement;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code fleetmq image ami}: the dry run a pipeline checks with, and the one-line refusals before anything starts. */
class AmiCommandTest {

    @TempDir
    Path tmp;

    private static Map<String, String> systemPath() {
        return Map.of("PATH", System.getenv().getOrDefault("PATH", ""));
    }

    @Test
    void dryRunValidatesTheTemplateRenderedFromTheManifestAndPrintsThePackerBuildCommand() throws Exception {
        Processes.assumeTools("run image ami", "packer", "ansible-playbook");
        Path work = tmp.resolve("work");
        CliRun r = CliRun.run(systemPath(), "ami", "--manifest", TestPaths.manifests().resolve("broker-node-ami.yaml")
                .toString(), "--dry-run", "--work-dir", work.toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        Path template = TestPaths.home().resolve("packer/fleetmq-node.pkr.hcl");
        assertThat(r.out()).contains("packer validate -var-file=" + work.resolve("variables.json") + " " + template)
                .contains("template valid")
                .contains("publish the AMI id to /fleetmq/{env}/ami/fleetmq-broker-node");
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(lines.size() - 1)).isEqualTo("packer build -var-file=" + work.resolve("variables.json")
                + " " + template);
        assertThat(work.resolve("variables.json")).isRegularFile();
        assertThat(work.resolve("playbook.yml")).isRegularFile();
    }

    @Test
    void missingPackerAndAnsibleAreOneLineAndExitOneBeforeAnythingStarts() {
        Path work = tmp.resolve("work");
        CliRun r = CliRun.run(Map.of("PATH", tmp.resolve("empty-bin").toString()), "ami", "--manifest",
                TestPaths.manifests().resolve("broker-node-ami.yaml").toString(), "--dry-run", "--work-dir",
                work.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err().lines().toList()).containsExactly("fleetmq image: not installed: packer (apt-get install "
                + "packer), ansible-playbook (apt-get install ansible); image ami runs them");
        assertThat(work).doesNotExist();
    }

    @Test
    void manifestWithoutAnAmiTargetExitsTwoPointingAtTheTargetsLine() {
        CliRun r = CliRun.run(systemPath(), "ami", "--manifest", TestPaths.manifests().resolve("broker.yaml")
                .toString(), "--dry-run");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().trim()).matches(".*broker\\.yaml:\\d+: targets: has no ami target; image ami needs "
                + "targets\\.ami");
    }

    @Test
    void realBuildWithoutAnEnvironmentIsBadInput() {
        CliRun r = CliRun.run(systemPath(), "ami", "--manifest", TestPaths.manifests().resolve("eks-node.yaml")
                .toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--env is required: the AMI id is published to /fleetmq/{env}/ami/eks-node");
    }

    @Test
    void missingAwsCredentialsAreOneLineAndExitOneBeforeAnythingStarts() throws Exception {
        Processes.assumeTools("run image ami", "packer", "ansible-playbook");
        for (String var : List.of("AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
            Assumptions.assumeTrue(System.getenv(var) == null, var + " is set: this machine has AWS credentials");
        }
        // The SDK's own switches: no profile files, and no instance metadata service (nothing leaves loopback).
        Map<String, String> props = Map.of("aws.disableEc2Metadata", "true",
                "aws.sharedCredentialsFile", tmp.resolve("no-credentials").toString(),
                "aws.configFile", tmp.resolve("no-config").toString());
        props.forEach(System::setProperty);
        try {
            Path work = tmp.resolve("work");
            CliRun r = CliRun.run(systemPath(), "ami", "--manifest", TestPaths.manifests()
                    .resolve("broker-node-ami.yaml").toString(), "--env", "dev", "--work-dir", work.toString(),
                    "--subnet-id", "subnet-1", "--security-group-id", "sg-1", "--instance-profile", "p",
                    "--kms-key-id", BuildPlacement.DRY_RUN.kmsKeyId());
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err().lines().toList()).hasSize(1);
            assertThat(r.err()).startsWith("fleetmq image: no AWS credentials (default chain");
            assertThat(work).doesNotExist();
        } finally {
            props.keySet().forEach(System::clearProperty);
        }
    }

    @Test
    void aRealBuildWithoutTheBuildPlacementIsBadInputNamingEachMissingOption() {
        CliRun r = CliRun.run(systemPath(), "ami", "--manifest", TestPaths.manifests().resolve("eks-node.yaml")
                .toString(), "--env", "dev", "--subnet-id", "subnet-1");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--security-group-id, --instance-profile, --kms-key-id required");
    }
}
