package io.fleetmq.image.ami;

import io.fleetmq.image.TestPaths;
import io.fleetmq.image.manifest.ManifestException;
import io.fleetmq.image.manifest.ManifestParser;
import io.fleetmq.image.roles.RoleLibrary;
import io.fleetmq.image.roles.RoleRenderer;
import io.fleetmq.image.validate.ManifestValidator;
import io.fleetmq.image.validate.ValidatedManifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What {@code image ami} hands Packer: the playbook, the variables file and the broker distribution. */
class AmiStagingTest {

    @TempDir
    Path tmp;

    static ValidatedManifest load(Path manifest) {
        return new ManifestValidator(new RoleLibrary(TestPaths.roles()), new RoleRenderer())
                .validate(ManifestParser.read(manifest));
    }

    static AmiStaging staging() {
        return new AmiStaging(TestPaths.home(), TestPaths.roles());
    }

    @Test
    void playbookRunsTheManifestsRolesInOrderWithTheManifestsVariables() throws Exception {
        AmiPlan plan = staging().stage(load(TestPaths.manifests().resolve("broker-node-ami.yaml")), tmp,
                TestPaths.home().resolve("broker/target"), null, "dev", BuildPlacement.DRY_RUN);

        List<Map<String, Object>> plays = new Yaml().load(Files.readString(plan.playbook()));
        assertThat(plays).hasSize(1);
        assertThat(plays.get(0)).containsEntry("hosts", "all");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> roles = (List<Map<String, Object>>) plays.get(0).get("roles");
        assertThat(roles).extracting(r -> r.get("role")).containsExactly("fleetmq_os_tuning", "fleetmq_broker",
                "fleetmq_node_exporter", "fleetmq_hardening");
        assertThat(roles.get(1).get("vars")).isEqualTo(Map.of("fleetmq_broker_tcp_bind", "0.0.0.0",
                "fleetmq_broker_auth_allow_anonymous", false, "fleetmq_broker_dist_src", plan.distribution()
                        .toString()));
        assertThat(plan.ssmParameter()).isEqualTo("/fleetmq/dev/ami/fleetmq-broker-node");
    }

    @Test
    void distributionHoldsTheBrokerClassesAndEveryDependencyJar() throws Exception {
        AmiPlan plan = staging().stage(load(TestPaths.manifests().resolve("broker-node-ami.yaml")), tmp,
                TestPaths.home().resolve("broker/target"), null, null, BuildPlacement.DRY_RUN);
        Path dist = plan.distribution();
        assertThat(dist.resolve("classes/io/fleetmq/broker/cli/FleetMqCli.class")).isRegularFile();
        String classpath = Files.readString(TestPaths.home().resolve("broker/target/classpath.txt")).trim();
        for (String jar : classpath.split(":")) {
            assertThat(dist.resolve("lib").resolve(Path.of(jar).getFileName())).isRegularFile();
        }
        assertThat(plan.ssmParameter()).as("no --env keeps the placeholder").contains("{env}");
    }

    @Test
    void variablesFileCarriesTheAmiTargetAndTheManifestIdentity() throws Exception {
        ValidatedManifest v = load(TestPaths.manifests().resolve("eks-node.yaml"));
        AmiPlan plan = staging().stage(v, tmp, TestPaths.home().resolve("broker/target"), null, "prod",
                BuildPlacement.DRY_RUN);
        @SuppressWarnings("unchecked")
        Map<String, Object> vars = new com.fasterxml.jackson.databind.ObjectMapper().readValue(plan.varFile().toFile(),
                Map.class);
        assertThat(vars).containsEntry("ami_name", "eks-node").containsEntry("region", "eu-west-1")
                .containsEntry("source_ami_name_filter", "amazon-eks-node-al2023-x86_64-standard-1.35-*")
                .containsEntry("source_ami_owners", List.of("amazon"))
                .containsEntry("playbook_file", plan.playbook().toString())
                .containsEntry("manifest_sha256", v.manifest().sha256())
                .containsEntry("roles_path", TestPaths.roles().toString())
                .containsEntry("node_kind", "eks-node").containsEntry("ssh_username", "ec2-user")
                .containsEntry("subnet_id", BuildPlacement.DRY_RUN.subnetId())
                .containsEntry("kms_key_id", BuildPlacement.DRY_RUN.kmsKeyId());
        assertThat(plan.template()).isEqualTo(TestPaths.home().resolve("packer/fleetmq-node.pkr.hcl"));
        assertThat(plan.distribution()).as("no broker role, no distribution").isNull();
        // The CDK app reads the EKS node AMI from this parameter (cdk-app contract.SsmParameters.eksNodeAmi).
        assertThat(plan.ssmParameter()).isEqualTo("/fleetmq/prod/ami/eks-node");
    }

    @Test
    void preloadImageIsPassedToTheEksNodeRole() throws Exception {
        Path tar = Files.writeString(tmp.resolve("broker.tar"), "image");
        AmiPlan plan = staging().stage(load(TestPaths.manifests().resolve("eks-node.yaml")), tmp.resolve("work"),
                TestPaths.home().resolve("broker/target"), tar, "dev", BuildPlacement.DRY_RUN);
        assertThat(Files.readString(plan.playbook())).contains("fleetmq_eks_node_broker_image_tar: " + tar);
    }

    @Test
    void manifestWithoutAnAmiTargetIsRefusedAtTheTargetsLine() {
        ValidatedManifest v = load(TestPaths.manifests().resolve("broker.yaml"));
        assertThatThrownBy(() -> staging().stage(v, tmp, TestPaths.home().resolve("broker/target"), null, null,
                BuildPlacement.DRY_RUN))
                .isInstanceOf(ManifestException.class)
                .hasMessageMatching(".*broker\\.yaml:\\d+: targets: has no ami target.*");
    }

    @Test
    void unknownNodeKindIsRefusedNamingTheKindsTheTemplateBuilds() throws Exception {
        Path manifest = tmp.resolve("m.yaml");
        Files.writeString(manifest, Files.readString(TestPaths.manifests().resolve("broker-node-ami.yaml"))
                .replace("template: broker-node", "template: no-such-node"));
        assertThatThrownBy(() -> staging().template(load(manifest).manifest()))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("targets.ami.template: unknown node kind no-such-node")
                .hasMessageContaining("packer/fleetmq-node.pkr.hcl builds broker-node, eks-node");
    }
}
