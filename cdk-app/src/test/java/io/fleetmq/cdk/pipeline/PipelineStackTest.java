package io.fleetmq.cdk.pipeline;

import io.fleetmq.cdk.config.EnvironmentConfig;
import io.fleetmq.cdk.contract.SsmParameters;
import io.fleetmq.cdk.support.Cfn;
import io.fleetmq.cdk.support.Nag;
import io.fleetmq.cdk.support.PipelineSynth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.fleetmq.cdk.support.Cfn.Stage.runOrder;
import static org.assertj.core.api.Assertions.assertThat;

/** Synth assertions on the pipeline stack (and the environments' release access stacks) from pipelines/pipeline.yaml. */
class PipelineStackTest {

    private final PipelineSynth s = PipelineSynth.get();
    private final PipelineStack stack = s.stacks.pipeline();
    private final Template t = s.template(stack);

    private Cfn.Stage stage(String name) {
        return Cfn.pipelineStages(t).stream().filter(st -> st.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no pipeline stage " + name));
    }

    private List<String> stageNames() {
        return Cfn.pipelineStages(t).stream().map(Cfn.Stage::name).toList();
    }

    /** The CodeBuild project of a step, found by the description CDK Pipelines gives it. */
    private Map<String, Object> project(String stepPath) {
        return Cfn.resources(t, "AWS::CodeBuild::Project").values().stream()
                .filter(p -> String.valueOf(p.get("Description")).endsWith("/" + stepPath))
                .findFirst().orElseThrow(() -> new AssertionError("no CodeBuild project for step " + stepPath));
    }

    @Test
    void stagesRunSourceBuildSelfMutationArtifactsThenDevThenProd() {
        List<String> names = stageNames();
        assertThat(names.subList(0, 4)).containsExactly("Source", "Build", "UpdatePipeline", "Artifacts");
        assertThat(names.indexOf("Artifacts")).isLessThan(names.indexOf(s.dev.name()));
        assertThat(names.indexOf(s.dev.name())).isLessThan(names.indexOf(s.prod.name()));
        assertThat(names.get(names.size() - 1)).isEqualTo(s.prod.name());
    }

    @Test
    void devIsPromotedThenDeployedThenBenchGatedThenReleased() {
        Cfn.Stage dev = stage(s.dev.name());
        List<Map<String, Object>> actions = dev.actions();
        assertThat(actions.get(0).get("Name")).isEqualTo("Promote-" + s.dev.name());
        Map<String, Object> gate = actions.get(actions.size() - 2);
        assertThat(gate.get("Name")).isEqualTo("BenchGate");
        List<Map<String, Object>> deploys = actions.stream()
                .filter(a -> "CloudFormation".equals(Cfn.at(a, "ActionTypeId", "Provider"))).toList();
        // Every dev stack is deployed by the pipeline, all after the promote step and before the gate.
        assertThat(deploys).extracting(a -> (String) a.get("Name")).contains(
                "FleetMq-dev-Network.Deploy", "FleetMq-dev-Cluster.Deploy", "FleetMq-dev-Broker.Deploy",
                "FleetMq-dev-Observability.Deploy", "FleetMq-dev-Autoscaling.Deploy");
        for (Map<String, Object> d : deploys) {
            assertThat(runOrder(d)).isGreaterThan(runOrder(actions.get(0))).isLessThan(runOrder(gate));
        }
    }

    @Test
    void prodWaitsForAManualApprovalAfterTheBenchGateBeforeItIsPromotedOrDeployed() {
        List<String> names = stageNames();
        // The bench gate (and dev's release record) end the dev stage, so they are done before prod's approval.
        assertThat(names.indexOf(s.dev.name())).isEqualTo(names.indexOf(s.prod.name()) - 1);
        Cfn.Stage prod = stage(s.prod.name());
        Map<String, Object> approve = prod.actions().get(0);
        assertThat(approve.get("Name")).isEqualTo("Approve");
        assertThat((String) Cfn.at(approve, "ActionTypeId", "Provider")).isEqualTo("Manual");
        Map<String, Object> promote = prod.action("Promote-" + s.prod.name());
        assertThat(runOrder(promote)).isGreaterThan(runOrder(approve));
        prod.actions().stream().filter(a -> "CloudFormation".equals(Cfn.at(a, "ActionTypeId", "Provider")))
                .forEach(d -> assertThat(runOrder(d)).as("%s", d.get("Name")).isGreaterThan(runOrder(promote)));
        assertThat(prod.actions()).extracting(a -> (String) a.get("Name"))
                .contains("FleetMq-prod-Broker.Deploy", "FleetMq-prod-Cluster.Deploy");
    }

    @Test
    void sourceIsTheConfiguredConnectionRepositoryAndBranch() {
        Map<String, Object> source = stage("Source").actions().get(0);
        assertThat((String) Cfn.at(source, "ActionTypeId", "Provider")).isEqualTo("CodeStarSourceConnection");
        Map<String, Object> config = Cfn.at(source, "Configuration");
        assertThat(config).containsEntry("ConnectionArn", s.config.source().connectionArn())
                .containsEntry("FullRepositoryId", s.config.source().repository())
                .containsEntry("BranchName", s.config.source().branch());
    }

    @Test
    void thePipelineMutatesItselfWithThePinnedCdkCli() throws IOException {
        Map<String, Object> selfMutate = stage("UpdatePipeline").action("SelfMutate");
        assertThat((String) Cfn.at(selfMutate, "ActionTypeId", "Provider")).isEqualTo("CodeBuild");
        Map<String, Object> spec = Cfn.buildspec(project("UpdatePipeline/SelfMutate"));
        Map<?, ?> pkg = new Yaml().load(Files.readString(java.nio.file.Path.of("package.json")));
        String pinned = (String) ((Map<?, ?>) pkg.get("devDependencies")).get("aws-cdk");
        assertThat(Cfn.<List<String>>at(spec, "phases", "install", "commands")).contains("npm install -g aws-cdk@" + pinned);
        assertThat(Cfn.<List<String>>at(spec, "phases", "build", "commands").get(0)).contains("deploy FleetMq-Pipeline");
    }

    @ParameterizedTest
    @ValueSource(strings = {"build:Build/Build", "artifacts:Artifacts/Artifacts", "promote:dev/Promote-dev",
            "promote:prod/Promote-prod", "bench-gate:dev/BenchGate"})
    void everyStepRunsExactlyTheCommandsOfItsBuildspecFile(String fileAndStep) throws IOException {
        String file = fileAndStep.split(":")[0];
        Map<String, Object> rendered = Cfn.buildspec(project(fileAndStep.split(":")[1]));
        Map<String, Object> source = new Yaml().load(Files.readString(
                PipelineStacks.PIPELINES_DIR.resolve("buildspecs").resolve(file + ".yml")));
        assertThat(Cfn.<List<String>>at(rendered, "phases", "build", "commands"))
                .isEqualTo(Cfn.at(source, "phases", "build", "commands"))
                .allMatch(c -> !c.contains("pipelines/steps/") || c.matches("bash pipelines/steps/[a-z-]+\\.sh"));
        for (String phase : List.of("install", "post_build")) {
            Map<String, Object> want = Cfn.at(source, "phases", phase);
            if (want != null) {
                assertThat(Cfn.<Map<String, Object>>at(rendered, "phases", phase)).as("phase %s", phase)
                        .containsAllEntriesOf(want);
            }
        }
        Map<String, Object> env = Cfn.at(source, "env");
        if (env != null) {
            assertThat(Cfn.<Map<String, Object>>at(rendered, "env")).containsAllEntriesOf(env);
        }
    }

    @Test
    void theBuildStepInstallsThePackagesCiInstallsSoTheSameTestsRun() throws IOException {
        // Package names separated by blanks or a backslash line continuation.
        Pattern install = Pattern.compile("apt-get install -y -qq ((?:[a-z0-9.+-]+(?:[ \\t]*\\\\\\n[ \\t]*|[ \\t]+)?)+)");
        Matcher ci = install.matcher(Files.readString(java.nio.file.Path.of("..", ".ci", "run")));
        assertThat(ci.find()).as(".ci/run has an apt-get install line").isTrue();
        Set<String> ciPackages = java.util.Arrays.stream(ci.group(1).trim().split("[\\s\\\\]+"))
                .collect(Collectors.toSet());
        List<String> installCommands = Cfn.at(Cfn.buildspec(project("Build/Build")), "phases", "install", "commands");
        Matcher build = install.matcher(String.join("\n", installCommands));
        assertThat(build.find()).as("build.yml has an apt-get install line").isTrue();
        assertThat(build.group(1).trim().split("[\\s\\\\]+")).contains(ciPackages.toArray(String[]::new));
        assertThat(ciPackages).contains("haproxy", "mosquitto", "docker-registry");
    }

    @Test
    void onlyTheArtifactStepBuildsAnImageOrAnAmi() {
        List<String> builders = new ArrayList<>();
        Cfn.resources(t, "AWS::CodeBuild::Project").forEach((id, p) -> {
            String spec = String.valueOf(Cfn.<Object>at(p, "Source", "BuildSpec"));
            if (spec.contains("image-build.sh") || spec.contains("ami-build.sh") || spec.contains("fleetmq image")) {
                builders.add(String.valueOf(p.get("Description")));
            }
        });
        assertThat(builders).singleElement().asString().endsWith("/Artifacts/Artifacts");
    }

    @Test
    void theArtifactStepExportsTheDigestAndAmiAndRecordsThemInTheReleaseParameters() {
        Map<String, Object> artifacts = project("Artifacts/Artifacts");
        assertThat(Cfn.<List<String>>at(Cfn.buildspec(artifacts), "env", "exported-variables"))
                .containsExactlyInAnyOrder(PipelineStack.VAR_IMAGE_DIGEST, PipelineStack.VAR_EKS_NODE_AMI);
        assertThat(Cfn.projectEnv(artifacts))
                .containsEntry("RELEASE_DIGEST_PARAMETER", SsmParameters.releaseImageDigest())
                .containsEntry("RELEASE_AMI_PARAMETER", SsmParameters.releaseAmi("eks-node"))
                .containsEntry("IMAGE_MANIFEST", s.config.artifacts().imageManifest())
                .containsEntry("AMI_MANIFEST", s.config.artifacts().amiManifest());
        assertThat((String) stage("Artifacts").action("Artifacts").get("Namespace")).isNotBlank();
    }

    /**
     * Promotion by identity, for both environments: the promote step carries the artifact step's exported variables
     * (not a value of its own) into the environment's parameters, and that environment's stacks read exactly those
     * parameters at deploy time.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void eachStageDeploysTheDigestAndAmiTheArtifactStepRecorded(String envName) {
        EnvironmentConfig env = envName.equals("dev") ? s.dev : s.prod;
        FleetMqStage stage = envName.equals("dev") ? stack.devStage() : stack.prodStage();
        String namespace = (String) stage("Artifacts").action("Artifacts").get("Namespace");

        Map<String, Object> promoteAction = stage(envName).action("Promote-" + envName);
        assertThat(Cfn.actionEnv(promoteAction))
                .containsEntry("IMAGE_DIGEST", "#{" + namespace + "." + PipelineStack.VAR_IMAGE_DIGEST + "}")
                .containsEntry("EKS_NODE_AMI", "#{" + namespace + "." + PipelineStack.VAR_EKS_NODE_AMI + "}");
        Map<String, Object> promoteEnv = Cfn.projectEnv(project(envName + "/Promote-" + envName));
        String digestParameter = SsmParameters.brokerImageDigest(envName);
        String amiParameter = SsmParameters.eksNodeAmi(envName);
        assertThat(promoteEnv).containsEntry("DIGEST_PARAMETER", digestParameter)
                .containsEntry("AMI_PARAMETER", amiParameter)
                .containsEntry("TARGET_ACCOUNT", env.account())
                .doesNotContainKeys("IMAGE_DIGEST", "EKS_NODE_AMI");

        Template broker = Template.fromStack(stage.stacks().broker());
        assertThat(Cfn.parameters(broker).values()).anySatisfy(p -> {
            assertThat(p.get("Type")).isEqualTo("AWS::SSM::Parameter::Value<String>");
            assertThat(p.get("Default")).isEqualTo(digestParameter);
        });
        Template cluster = Template.fromStack(stage.stacks().cluster());
        assertThat(Cfn.parameters(cluster).values()).anySatisfy(p -> {
            assertThat(String.valueOf(p.get("Type"))).startsWith("AWS::SSM::Parameter::Value<");
            assertThat(p.get("Default")).isEqualTo(amiParameter);
        });
    }

    @Test
    void prodReadsTheSameArtifactVariablesAsDevNotAValueOfItsOwn() {
        Map<String, Object> dev = Cfn.actionEnv(stage(s.dev.name()).action("Promote-" + s.dev.name()));
        Map<String, Object> prod = Cfn.actionEnv(stage(s.prod.name()).action("Promote-" + s.prod.name()));
        assertThat(prod.get("IMAGE_DIGEST")).isEqualTo(dev.get("IMAGE_DIGEST"));
        assertThat(prod.get("EKS_NODE_AMI")).isEqualTo(dev.get("EKS_NODE_AMI"));
    }

    @Test
    void theArtifactStepMayPushOnlyToTheBrokerRepositoryAndWriteOnlyTheReleaseParameters() {
        String role = roleOf(project("Artifacts/Artifacts"));
        List<Map<String, Object>> statements = statementsOf(role);
        String repoId = t.findResources("AWS::ECR::Repository").keySet().iterator().next();
        assertThat(statements).anySatisfy(st -> {
            assertThat(actions(st)).contains("ecr:PutImage", "ecr:UploadLayerPart");
            assertThat(st.get("Resource")).isEqualTo(Map.of("Fn::GetAtt", List.of(repoId, "Arn")));
        });
        assertThat(statements).filteredOn(st -> actions(st).contains("ssm:PutParameter")).singleElement()
                .satisfies(st -> assertThat(st.get("Resource")).isEqualTo(List.of(
                        "arn:aws:ssm:eu-west-1:" + s.config.account() + ":parameter" + SsmParameters.releaseImageDigest(),
                        "arn:aws:ssm:eu-west-1:" + s.config.account() + ":parameter" + SsmParameters.releaseAmi("eks-node"))));
        // The only account-wide statements: the ECR token and Packer's EC2 calls, the latter held to the region.
        assertThat(statements).filteredOn(st -> "*".equals(st.get("Resource"))).allSatisfy(st -> {
            if (!actions(st).equals(List.of("ecr:GetAuthorizationToken"))) {
                assertThat(actions(st)).allMatch(a -> a.startsWith("ec2:"));
                assertThat(Cfn.<Object>at(st, "Condition", "StringEquals", "aws:RequestedRegion")).isEqualTo("eu-west-1");
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void eachPromoteStepMayOnlyAssumeItsEnvironmentsReleaseRoleWhichMayOnlyWriteItsParameters(String envName) {
        EnvironmentConfig env = envName.equals("dev") ? s.dev : s.prod;
        String role = roleOf(project(envName + "/Promote-" + envName));
        List<Map<String, Object>> statements = statementsOf(role);
        assertThat(statements).noneMatch(st -> actions(st).stream().anyMatch(a -> a.startsWith("ssm:")));
        assertThat(statements).filteredOn(st -> actions(st).contains("sts:AssumeRole")).singleElement()
                .satisfies(st -> assertThat(st.get("Resource"))
                        .isEqualTo("arn:aws:iam::" + env.account() + ":role/fleetmq-" + envName + "-release"));

        ReleaseAccessStack access = s.stacks.releaseAccess().stream()
                .filter(a -> a.getStackName().equals("FleetMq-" + envName + "-ReleaseAccess")).findFirst().orElseThrow();
        Template at = s.template(access);
        Map<String, Object> releaseRole = Cfn.resources(at, "AWS::IAM::Role").values().iterator().next();
        assertThat(releaseRole.get("RoleName")).isEqualTo("fleetmq-" + envName + "-release");
        assertThat(Cfn.<Object>at(releaseRole, "AssumeRolePolicyDocument", "Statement", "0", "Principal", "AWS"))
                .isEqualTo("arn:aws:iam::" + s.config.account() + ":role/fleetmq-pipeline-promote-" + envName);
        Map<String, Object> write = Cfn.at(releaseRole, "Policies", "0", "PolicyDocument", "Statement", "0");
        assertThat(write.get("Action")).isEqualTo("ssm:PutParameter");
        assertThat(write.get("Resource")).isEqualTo(List.of(
                "arn:aws:ssm:" + env.region() + ":" + env.account() + ":parameter" + SsmParameters.brokerImageDigest(envName),
                "arn:aws:ssm:" + env.region() + ":" + env.account() + ":parameter" + SsmParameters.eksNodeAmi(envName),
                "arn:aws:ssm:" + env.region() + ":" + env.account() + ":parameter"
                        + SsmParameters.environmentReleaseImageDigest(envName),
                "arn:aws:ssm:" + env.region() + ":" + env.account() + ":parameter"
                        + SsmParameters.environmentReleaseAmi(envName)));
    }

    @Test
    void theImageReachesOtherAccountsByReplicationWithTheSameDigest() {
        Map<String, Object> replication = Cfn.resources(t, "AWS::ECR::ReplicationConfiguration").values().iterator().next();
        assertThat(Cfn.<List<Map<String, Object>>>at(replication, "ReplicationConfiguration", "Rules", "0", "Destinations"))
                .containsExactly(Map.of("Region", s.prod.region(), "RegistryId", s.prod.account()));
        Template prodAccess = s.template(s.stacks.releaseAccess().get(1));
        prodAccess.resourceCountIs("AWS::ECR::RegistryPolicy", 1);
        // dev shares the pipeline's account: no registry policy there.
        s.template(s.stacks.releaseAccess().get(0)).resourceCountIs("AWS::ECR::RegistryPolicy", 0);
        Map<String, Object> repo = Cfn.resources(t, "AWS::ECR::Repository").values().iterator().next();
        assertThat(repo).containsEntry("ImageTagMutability", "IMMUTABLE")
                .containsEntry("RepositoryName", s.config.artifacts().imageRepository());
    }

    @Test
    void theBenchGateRunsInsideAVpcAgainstTheDevEndpointWithMqttAndHttpsEgressOnly() {
        Map<String, Object> gate = project("dev/BenchGate");
        assertThat(Cfn.<List<Object>>at(gate, "VpcConfig", "Subnets")).hasSize(s.config.availabilityZones().size());
        Map<String, Object> action = stage(s.dev.name()).action("BenchGate");
        assertThat((String) Cfn.actionEnv(action).get("BENCH_ENDPOINT")).matches("#\\{.*Broker.*\\.BrokerEndpoint}");
        assertThat(Cfn.projectEnv(gate)).containsEntry("BENCH_SCENARIO", s.config.benchScenario());
        assertThat(s.config.benchScenario()).startsWith("bench/scenarios/");
        assertThat(Files.isRegularFile(java.nio.file.Path.of("..").resolve(s.config.benchScenario()))).isTrue();
        Map<String, Object> sg = Cfn.resources(t, "AWS::EC2::SecurityGroup").values().stream()
                .filter(g -> String.valueOf(g.get("GroupDescription")).startsWith("FleetMQ bench gate")).findFirst()
                .orElseThrow();
        assertThat(Cfn.<List<Map<String, Object>>>at(sg, "SecurityGroupEgress"))
                .extracting(e -> e.get("FromPort")).containsExactlyInAnyOrder(1883, 8883, 443);
        assertThat(sg).doesNotContainKey("SecurityGroupIngress");
        // The report is the step's output artifact (and, failed or not, copied to the report bucket).
        assertThat(Cfn.<String>at(Cfn.buildspec(gate), "artifacts", "base-directory")).isEqualTo(PipelineStack.BENCH_REPORT_DIR);
    }

    @Test
    void artifactsAndEveryBuildAreEncryptedWithTheRotatedPipelineKey() {
        Map<String, Object> pipeline = Cfn.resources(t, "AWS::CodePipeline::Pipeline").values().iterator().next();
        assertThat(Cfn.<String>at(pipeline, "ArtifactStore", "EncryptionKey", "Type")).isEqualTo("KMS");
        assertThat(Cfn.resources(t, "AWS::KMS::Key").values()).allSatisfy(k -> assertThat(k).containsEntry("EnableKeyRotation", true));
        Map<String, Object> keyRef = Cfn.at(pipeline, "ArtifactStore", "EncryptionKey", "Id");
        assertThat(Cfn.resources(t, "AWS::CodeBuild::Project").values())
                .allSatisfy(p -> assertThat(p.get("EncryptionKey")).isEqualTo(keyRef));
        assertThat(Cfn.resources(t, "AWS::S3::Bucket").values()).allSatisfy(b -> assertThat(
                Cfn.<Object>at(b, "BucketEncryption", "ServerSideEncryptionConfiguration", "0",
                        "ServerSideEncryptionByDefault", "SSEAlgorithm")).isIn("aws:kms", "AES256"));
    }

    @Test
    void thePipelineAndReleaseAccessStacksPassCdkNagWithOnlyReasonedSuppressions() {
        List<Stack> stacks = new ArrayList<>(s.stacks.releaseAccess());
        stacks.add(stack);
        for (Stack st : stacks) {
            s.template(st);
            assertThat(Nag.errors(st)).as("cdk-nag errors in %s", st.getStackName()).isEmpty();
        }
    }

    private String roleOf(Map<String, Object> project) {
        return Cfn.<List<String>>at(project, "ServiceRole", "Fn::GetAtt").get(0);
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> statementsOf(String roleId) {
        List<Map<String, Object>> out = new ArrayList<>();
        Cfn.resources(t, "AWS::IAM::Policy").values().stream()
                .filter(p -> ((List<Object>) p.get("Roles")).contains(Map.of("Ref", roleId)))
                .forEach(p -> out.addAll(Cfn.at(p, "PolicyDocument", "Statement")));
        return out;
    }

    private static List<String> actions(Map<String, Object> statement) {
        Object a = statement.get("Action");
        return a instanceof List<?> l ? l.stream().map(String::valueOf).collect(Collectors.toList()) : List.of(String.valueOf(a));
    }

}
