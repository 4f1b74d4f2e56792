package io.fleetmq.image.ami;

import io.fleetmq.image.Processes;
import io.fleetmq.image.TestPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one template (both node kinds), with the variables file {@code image ami} renders from their manifests (broker-production.yaml makes
 * a container image too), pass {@code packer validate} offline: no AWS credentials, Debian's Packer 1.6.6, the
 * plugins file left out. A variables file missing the source-AMI filter fails, so the validation is not vacuous; and
 * every file is as {@code packer fmt} writes it.
 */
class PackerTemplatesTest {

    @TempDir
    Path tmp;

    private static Processes.Result packerValidate(Path dir, Path varFile, Path template) throws Exception {
        // No AWS variables from the test's environment: validation must need none.
        return Processes.run(dir, 120, "env", "-u", "AWS_PROFILE", "-u", "AWS_ACCESS_KEY_ID", "-u",
                "AWS_SECRET_ACCESS_KEY", "HOME=" + dir, "CHECKPOINT_DISABLE=1", "packer", "validate",
                "-var-file=" + varFile, template.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"broker-node-ami.yaml", "eks-node.yaml", "broker-production.yaml"})
    void templateRenderedFromTheManifestPassesPackerValidate(String manifest) throws Exception {
        Processes.assumeTools("validate the Packer templates", "packer");
        AmiPlan plan = AmiStagingTest.staging().stage(AmiStagingTest.load(TestPaths.manifests().resolve(manifest)),
                tmp, TestPaths.home().resolve("broker/target"), null, "dev", BuildPlacement.DRY_RUN);
        Processes.Result r = packerValidate(tmp, plan.varFile(), plan.template());
        assertThat(r.exitCode()).as(r.output()).isZero();
    }

    /** Each required variable, left out in turn, fails validation naming it: no default VPC, no AWS-managed key. */
    @ParameterizedTest
    @ValueSource(strings = {"source_ami_name_filter", "subnet_id", "security_group_id", "iam_instance_profile",
            "kms_key_id"})
    void packerRejectsAVariablesFileMissingARequiredVariable(String missing) throws Exception {
        Processes.assumeTools("validate the Packer templates", "packer");
        String all = """
                {"ami_name": "x", "region": "eu-west-1", "instance_type": "c6i.large", "source_ami_owners": ["amazon"],
                 "source_ami_name_filter": "a-*", "node_kind": "eks-node", "ssh_username": "ec2-user",
                 "subnet_id": "subnet-1", "security_group_id": "sg-1", "iam_instance_profile": "p",
                 "kms_key_id": "%s",
                 "playbook_file": "%s", "roles_path": "r", "scripts_dir": "%s", "manifest_output": "m.json",
                 "manifest_name": "n", "manifest_version": "1", "manifest_sha256": "0"}
                """.formatted(BuildPlacement.DRY_RUN.kmsKeyId(), Files.writeString(tmp.resolve("p.yml"), "---\n"),
                TestPaths.home().resolve("packer/scripts"));
        Path complete = Files.writeString(tmp.resolve("complete.json"), all);
        Path template = TestPaths.home().resolve("packer/" + AmiStaging.TEMPLATE_FILE);
        Processes.Result ok = packerValidate(tmp, complete, template);
        assertThat(ok.exitCode()).as("the complete file validates: " + ok.output()).isZero();

        Path vars = Files.writeString(tmp.resolve("vars.json"), all.replaceAll(
                "\"" + missing + "\": \"[^\"]*\",", ""));
        Processes.Result r = packerValidate(tmp, vars, template);
        assertThat(r.exitCode()).as(r.output()).isNotZero();
        assertThat(r.output()).contains(missing);
    }

    /** The build instance is reached through Session Manager only, in a given subnet, with a given KMS key. */
    @Test
    void templateConnectsOverSessionManagerInAGivenSubnetWithoutAPublicAddress() throws Exception {
        String hcl = Files.readString(TestPaths.home().resolve("packer/" + AmiStaging.TEMPLATE_FILE));
        assertThat(hcl).contains("ssh_interface               = \"session_manager\"")
                .contains("associate_public_ip_address = false")
                .contains("subnet_id                   = var.subnet_id")
                .contains("kms_key_id   = var.kms_key_id")
                .doesNotContain("ssh_keypair_name").doesNotContain("temporary_security_group_source_cidrs");
        try (var files = Files.list(TestPaths.home().resolve("packer"))) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".pkr.hcl")).sorted())
                    .as("one template for every node kind, plus the plugins file")
                    .containsExactly(AmiStaging.TEMPLATE_FILE, "plugins.pkr.hcl");
        }
    }

    /**
     * The plugins file is validated together with the template by a Packer that reads it (>= 1.7); Debian's 1.6.6
     * cannot, and then the test says so and stops.
     */
    @Test
    void pluginsFilePinsTheAmazonAndAnsiblePluginsAndIsValidatedWithTheTemplate() throws Exception {
        Processes.assumeTools("validate the plugins file", "packer");
        String plugins = Files.readString(TestPaths.home().resolve("packer/plugins.pkr.hcl"));
        assertThat(plugins).containsPattern("amazon = \\{\\s+version = \"= \\d+\\.\\d+\\.\\d+\"")
                .containsPattern("ansible = \\{\\s+version = \"= \\d+\\.\\d+\\.\\d+\"")
                .containsPattern("required_version = \"= \\d+\\.\\d+\\.\\d+\"");
        String version = Processes.run(tmp, 30, "packer", "version").output();
        org.junit.jupiter.api.Assumptions.assumeFalse(version.contains("Packer v1.6."),
                "Packer " + version.strip() + " (Debian 12) does not read a packer {} block; the pipeline's pinned "
                        + "Packer validates the folder (plugins file and template) after packer init");
        Processes.Result r = Processes.run(tmp, 120, "packer", "validate", "-syntax-only",
                TestPaths.home().resolve("packer").toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {AmiStaging.TEMPLATE_FILE, "plugins.pkr.hcl"})
    void templateIsFormattedAsPackerFmtWritesIt(String file) throws Exception {
        Processes.assumeTools("check the templates' formatting", "packer");
        Processes.Result r = Processes.run(tmp, 60, "packer", "fmt", "-check", "-diff",
                TestPaths.home().resolve("packer").resolve(file).toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
    }
}
