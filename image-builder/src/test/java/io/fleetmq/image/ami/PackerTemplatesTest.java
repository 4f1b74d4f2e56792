package io.fleetmq.image.ami;

import io.fleetmq.image.Processes;
import io.fleetmq.image.TestPaths;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Both templates, with the variables file {@code image ami} renders from their manifests (broker-production.yaml makes
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
                tmp, TestPaths.home().resolve("broker/target"), null, "dev");
        Processes.Result r = packerValidate(tmp, plan.varFile(), plan.template());
        assertThat(r.exitCode()).as(r.output()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"broker-node", "eks-node"})
    void packerRejectsAVariablesFileWithoutTheSourceAmiFilter(String template) throws Exception {
        Processes.assumeTools("validate the Packer templates", "packer");
        Path vars = Files.writeString(tmp.resolve("vars.json"), """
                {"ami_name": "x", "region": "eu-west-1", "instance_type": "c7g.large", "source_ami_owners": ["amazon"],
                 "playbook_file": "p.yml", "roles_path": "r", "scripts_dir": "s", "manifest_output": "m.json",
                 "manifest_name": "n", "manifest_version": "1", "manifest_sha256": "0"}
                """);
        Processes.Result r = packerValidate(tmp, vars, TestPaths.home().resolve("packer/" + template + ".pkr.hcl"));
        assertThat(r.exitCode()).as(r.output()).isNotZero();
        assertThat(r.output()).contains("source_ami_name_filter");
    }

    @ParameterizedTest
    @ValueSource(strings = {"broker-node.pkr.hcl", "eks-node.pkr.hcl", "plugins.pkr.hcl"})
    void templateIsFormattedAsPackerFmtWritesIt(String file) throws Exception {
        Processes.assumeTools("check the templates' formatting", "packer");
        Processes.Result r = Processes.run(tmp, 60, "packer", "fmt", "-check", "-diff",
                TestPaths.home().resolve("packer").resolve(file).toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
    }
}
