package io.fleetmq.cdk.pipeline;

import io.fleetmq.cdk.config.EnvironmentConfig;
import io.fleetmq.cdk.contract.SsmParameters;
import io.fleetmq.cdk.nag.Nag;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.pipelines.AddStageOpts;
import software.amazon.awscdk.pipelines.CodeBuildOptions;
import software.amazon.awscdk.pipelines.CodeBuildStep;
import software.amazon.awscdk.pipelines.CodePipeline;
import software.amazon.awscdk.pipelines.CodePipelineSource;
import software.amazon.awscdk.pipelines.ConnectionSourceOptions;
import software.amazon.awscdk.pipelines.ManualApprovalStep;
import software.amazon.awscdk.pipelines.WaveOptions;
import software.amazon.awscdk.services.codebuild.BuildEnvironment;
import software.amazon.awscdk.services.codebuild.BuildSpec;
import software.amazon.awscdk.services.codebuild.ComputeType;
import software.amazon.awscdk.services.codebuild.LinuxBuildImage;
import software.amazon.awscdk.services.codepipeline.CfnPipeline;
import software.amazon.awscdk.services.codepipeline.IStage;
import software.amazon.awscdk.services.codepipeline.PipelineType;
import software.amazon.awscdk.services.ec2.FlowLogDestination;
import software.amazon.awscdk.services.ec2.FlowLogOptions;
import software.amazon.awscdk.services.ec2.FlowLogTrafficType;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ecr.CfnReplicationConfiguration;
import software.amazon.awscdk.services.ecr.Repository;
import software.amazon.awscdk.services.ecr.TagMutability;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.constructs.Construct;
import software.constructs.IConstruct;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The delivery pipeline (CDK Pipelines, self-mutating), in the pipeline account:
 * <ol>
 *   <li>Source: the configured repository and branch through a CodeConnections connection;</li>
 *   <li>Build: {@code ./mvnw -B verify} and {@code cdk synth} ({@code pipelines/buildspecs/build.yml});</li>
 *   <li>UpdatePipeline: self-mutation, then the stages' assets;</li>
 *   <li>Artifacts: the broker image and the EKS worker AMI, built once; digest and AMI id recorded in SSM and exported
 *       as pipeline variables ({@code artifacts.yml});</li>
 *   <li>dev: Promote-dev writes the artifact step's digest and AMI to dev's parameters, the dev stacks deploy, then
 *       BenchGate runs the bench scenario in a VPC against the dev NLB ({@code promote.yml},
 *       {@code bench-gate.yml});</li>
 *   <li>prod: Approve (manual), then Promote-prod writes the SAME variables to prod's parameters, and prod
 *       deploys.</li>
 * </ol>
 * Nothing after the artifact step builds anything: later stages only hand the recorded digest and AMI on.
 */
public final class PipelineStack extends Stack {

    /** Variables the artifact step exports (set by {@code artifacts.yml}); the promote steps read them. */
    public static final String VAR_IMAGE_DIGEST = "IMAGE_DIGEST";
    public static final String VAR_EKS_NODE_AMI = "EKS_NODE_AMI";
    /** Where bench-gate.sh writes its report, relative to the repository root (the step's output directory). */
    public static final String BENCH_REPORT_DIR = "pipelines/out/bench";

    private final CodePipeline pipeline;
    private final FleetMqStage devStage;
    private final FleetMqStage prodStage;
    private final CodeBuildStep artifactsStep;
    private final CodeBuildStep benchGateStep;
    private final Map<String, CodeBuildStep> promoteSteps = new LinkedHashMap<>();
    /** The promote step's role of each environment, which may assume its release role; the Release step uses it too. */
    private final Map<String, Role> promoteRoles = new LinkedHashMap<>();
    private final Repository imageRepository;
    private final Bucket benchReports;
    private final Vpc vpc;
    private final AmiBuild amiBuild;

    public PipelineStack(Construct scope, String id, StackProps stackProps, PipelineStackProps props) {
        super(scope, id, stackProps);
        PipelineConfig config = props.pipeline();

        // The one repository the image is pushed to; environments in other accounts get it by replication (same
        // digest). Tags are immutable: a digest once deployed cannot change under its tag.
        imageRepository = Repository.Builder.create(this, "BrokerImages")
                .repositoryName(config.artifacts().imageRepository())
                .imageTagMutability(TagMutability.IMMUTABLE)
                .imageScanOnPush(true)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        replicateToOtherAccounts(config, List.of(props.dev(), props.prod()));

        CodePipelineSource source = CodePipelineSource.connection(config.source().repository(),
                config.source().branch(), ConnectionSourceOptions.builder()
                        .connectionArn(config.source().connectionArn())
                        .triggerOnPush(true)
                        .build());

        Buildspecs.Buildspec build = Buildspecs.read(props.buildspecsDir(), "build");
        CodeBuildStep buildStep = step("Build", build)
                .input(source)
                .primaryOutputDirectory("cdk-app/cdk.out")
                // The whole test suite (brokers, clusters, benchmarks) needs more than the default 2 vCPU.
                .buildEnvironment(BuildEnvironment.builder().computeType(ComputeType.LARGE).build())
                .timeout(Duration.minutes(60))
                .build();

        pipeline = CodePipeline.Builder.create(this, "Pipeline")
                .pipelineName(config.name())
                .synth(buildStep)
                .selfMutation(true)
                // The same CDK CLI as cdk-app/package.json pins (a 3.x CLI cannot read this library's output).
                .cliVersion(props.cliVersion())
                // A KMS key (rotated) for the artifact bucket: artifacts are encrypted, and other accounts can read
                // them through the key's policy.
                // V2: a failed environment stage rolls back by itself (rollBackFailedEnvironmentStages).
                .pipelineType(PipelineType.V2)
                .crossAccountKeys(true)
                .enableKeyRotation(true)
                .publishAssetsInParallel(false)
                .codeBuildDefaults(CodeBuildOptions.builder()
                        .buildEnvironment(BuildEnvironment.builder()
                                .buildImage(LinuxBuildImage.STANDARD_7_0)
                                .computeType(ComputeType.MEDIUM)
                                .build())
                        .build())
                .build();

        // The AMI is built in the pipeline's VPC (no default VPC), over Session Manager, with the AMI key.
        vpc = pipelineVpc(config);
        amiBuild = new AmiBuild(this, "AmiBuild", vpc, List.of(props.dev().account(), props.prod().account()));

        String releaseDigest = SsmParameters.releaseImageDigest();
        String releaseAmi = SsmParameters.releaseAmi(config.artifacts().amiName());
        Buildspecs.Buildspec artifacts = Buildspecs.read(props.buildspecsDir(), "artifacts");
        Map<String, String> artifactsEnv = new LinkedHashMap<>(Map.of(
                "IMAGE_REPOSITORY", imageRepository.getRepositoryName(),
                "IMAGE_MANIFEST", config.artifacts().imageManifest(),
                "AMI_MANIFEST", config.artifacts().amiManifest(),
                "RELEASE_DIGEST_PARAMETER", releaseDigest,
                "RELEASE_AMI_PARAMETER", releaseAmi,
                "SOURCE_COMMIT", source.sourceAttribute("CommitId")));
        artifactsEnv.putAll(amiBuild.stepEnvironment());
        artifactsStep = step("Artifacts", artifacts)
                .input(source)
                .env(artifactsEnv)
                .rolePolicyStatements(artifactsPolicy(config, releaseDigest, releaseAmi))
                .timeout(Duration.minutes(90))
                .build();
        pipeline.addWave("Artifacts", WaveOptions.builder().post(List.of(artifactsStep)).build());

        // dev: promote, deploy, bench.
        devStage = new FleetMqStage(this, props.dev());
        CodeBuildStep promoteDev = promoteStep(config, props.dev(), props.buildspecsDir(), source);
        benchReports = benchReportBucket();
        benchGateStep = benchGateStep(config, props.buildspecsDir(), source, vpc);
        // The release record of dev is written only once dev deployed and passed the gate.
        CodeBuildStep releaseDev = releaseStep(config, props.dev(), props.buildspecsDir(), source);
        releaseDev.addStepDependency(benchGateStep);
        pipeline.addStage(devStage, AddStageOpts.builder()
                .pre(List.of(promoteDev))
                .post(List.of(benchGateStep, releaseDev))
                .build());

        // prod: approval, then promote the same variables, then deploy.
        prodStage = new FleetMqStage(this, props.prod());
        ManualApprovalStep approve = ManualApprovalStep.Builder.create("Approve")
                .comment("Promote the image digest and AMI that passed the bench gate in " + props.dev().name()
                        + " to " + props.prod().name() + "? The bench report is in the BenchGate step's artifact.")
                .build();
        CodeBuildStep promoteProd = promoteStep(config, props.prod(), props.buildspecsDir(), source);
        promoteProd.addStepDependency(approve);
        CodeBuildStep releaseProd = releaseStep(config, props.prod(), props.buildspecsDir(), source);
        pipeline.addStage(prodStage, AddStageOpts.builder().pre(List.of(approve, promoteProd))
                .post(List.of(releaseProd)).build());

        pipeline.buildPipeline();
        rollBackFailedEnvironmentStages(List.of(devStage.getStageName(), prodStage.getStageName()));
        suppressPipelineFindings(config);
    }

    /**
     * Automatic rollback: when a deploy or a post-deploy step (the bench gate, the release record) of an environment
     * fails, CodePipeline re-runs that stage from its last successful execution, with that execution's artifacts and
     * variables: its promote step writes the previous digest and AMI back, and its stacks deploy them. A failed stack
     * update has already been rolled back by CloudFormation itself; this also undoes a deploy that succeeded but
     * failed its gate. CDK Pipelines has no option for it, hence the override on the generated stage.
     */
    private void rollBackFailedEnvironmentStages(List<String> stageNames) {
        CfnPipeline cfn = (CfnPipeline) pipeline.getPipeline().getNode().getDefaultChild();
        List<String> names = pipeline.getPipeline().getStages().stream().map(IStage::getStageName).toList();
        for (String name : stageNames) {
            int index = names.indexOf(name);
            if (index < 0) {
                throw new IllegalStateException("no pipeline stage " + name + " in " + names);
            }
            cfn.addPropertyOverride("Stages." + index + ".OnFailure", Map.of("Result", "ROLLBACK"));
        }
    }

    /**
     * The Release step of {@code env}, after its deploy (and gate): writes the environment's release record
     * ({@code /fleetmq/<env>/release/...}) through its release role. It runs only if everything before it in the stage
     * succeeded, so the record never names a release that failed.
     */
    private CodeBuildStep releaseStep(PipelineConfig config, EnvironmentConfig env, Path buildspecs,
                                      CodePipelineSource source) {
        Map<String, String> envVars = new LinkedHashMap<>();
        envVars.put("TARGET_ENV", env.name());
        envVars.put("RELEASE_ROLE_ARN", PipelineNames.releaseRoleArn(env.account(), env.name()));
        envVars.put("ENV_RELEASE_DIGEST_PARAMETER", SsmParameters.environmentReleaseImageDigest(env.name()));
        envVars.put("ENV_RELEASE_AMI_PARAMETER", SsmParameters.environmentReleaseAmi(env.name()));
        envVars.put("IMAGE_DIGEST", artifactsStep.exportedVariable(VAR_IMAGE_DIGEST));
        envVars.put("EKS_NODE_AMI", artifactsStep.exportedVariable(VAR_EKS_NODE_AMI));
        return step("Release-" + env.name(), Buildspecs.read(buildspecs, "release"))
                .input(source)
                .role(promoteRoles.get(env.name()))
                .env(envVars)
                .build();
    }

    private static CodeBuildStep.Builder step(String name, Buildspecs.Buildspec spec) {
        CodeBuildStep.Builder b = CodeBuildStep.Builder.create(name)
                .commands(spec.commands())
                .partialBuildSpec(BuildSpec.fromObject(spec.rest()));
        if (!spec.installCommands().isEmpty()) {
            b.installCommands(spec.installCommands());
        }
        return b;
    }

    /**
     * The promote step of {@code env}: its own role, which may only assume the environment's release role (and, for
     * another account, share an AMI); env vars name the environment's parameters and carry the artifact step's
     * exported variables, the same for every environment.
     */
    private CodeBuildStep promoteStep(PipelineConfig config, EnvironmentConfig env, Path buildspecs,
                                      CodePipelineSource source) {
        boolean otherAccount = !env.account().equals(config.account());
        String releaseRole = PipelineNames.releaseRoleArn(env.account(), env.name());
        Role role = Role.Builder.create(this, "PromoteRole-" + env.name())
                .roleName(PipelineNames.promoteRoleName(env.name()))
                .description("FleetMQ pipeline: promote step of " + env.name())
                .assumedBy(new ServicePrincipal("codebuild.amazonaws.com"))
                .build();
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("sts:AssumeRole"))
                .resources(List.of(releaseRole))
                .build());
        if (otherAccount) {
            PolicyStatement share = PolicyStatement.Builder.create()
                    .actions(List.of("ec2:ModifyImageAttribute"))
                    .resources(List.of("arn:aws:ec2:" + config.region() + "::image/*"))
                    .build();
            role.addToPolicy(share);
            Nag.suppressTree(role, "AwsSolutions-IAM5", "The AMI id is known only when the artifact step has built it; "
                            + "the statement allows sharing (launch permission) of this region's images only, and the"
                            + " role is used by this one step.",
                    "Resource::arn:aws:ec2:" + config.region() + "::image/*");
        }
        Map<String, String> envVars = new LinkedHashMap<>();
        envVars.put("TARGET_ENV", env.name());
        envVars.put("TARGET_ACCOUNT", env.account());
        envVars.put("PIPELINE_ACCOUNT", config.account());
        envVars.put("DIGEST_PARAMETER", env.broker().imageDigestParameter());
        envVars.put("AMI_PARAMETER", env.nodes().amiParameter());
        envVars.put("RELEASE_ROLE_ARN", releaseRole);
        envVars.put("AMI_KMS_KEY_ARN", amiBuild.stepEnvironment().get("AMI_KMS_KEY_ARN"));
        envVars.put("IMAGE_DIGEST", artifactsStep.exportedVariable(VAR_IMAGE_DIGEST));
        envVars.put("EKS_NODE_AMI", artifactsStep.exportedVariable(VAR_EKS_NODE_AMI));
        promoteRoles.put(env.name(), role);
        CodeBuildStep step = step("Promote-" + env.name(), Buildspecs.read(buildspecs, "promote"))
                .input(source)
                .role(role)
                .env(envVars)
                .build();
        promoteSteps.put(env.name(), step);
        return step;
    }

    /**
     * The pipeline's VPC: private subnets with NAT for the bench gate's CodeBuild project and the AMI build instance,
     * flow logs on.
     */
    private Vpc pipelineVpc(PipelineConfig config) {
        Vpc vpc = Vpc.Builder.create(this, "BenchGateVpc")
                .availabilityZones(config.availabilityZones())
                .natGateways(1)
                .subnetConfiguration(List.of(
                        SubnetConfiguration.builder().name("public").subnetType(SubnetType.PUBLIC).cidrMask(24).build(),
                        SubnetConfiguration.builder().name("bench").subnetType(SubnetType.PRIVATE_WITH_EGRESS)
                                .cidrMask(22).build()))
                .build();
        LogGroup flowLogs = LogGroup.Builder.create(this, "BenchGateFlowLogs")
                .retention(RetentionDays.ONE_MONTH)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        vpc.addFlowLog("AllTraffic", FlowLogOptions.builder()
                .trafficType(FlowLogTrafficType.ALL)
                .destination(FlowLogDestination.toCloudWatchLogs(flowLogs))
                .build());
        return vpc;
    }

    private CodeBuildStep benchGateStep(PipelineConfig config, Path buildspecs, CodePipelineSource source, Vpc vpc) {
        // Out: MQTT to the dev NLB, HTTPS to AWS APIs (S3, CodeBuild, logs) and the package mirrors. Nothing in.
        SecurityGroup sg = SecurityGroup.Builder.create(this, "BenchGateSg")
                .vpc(vpc)
                .description("FleetMQ bench gate: MQTT and HTTPS out, nothing in")
                .allowAllOutbound(false)
                .build();
        sg.addEgressRule(Peer.anyIpv4(), Port.tcp(1883), "MQTT to the dev NLB");
        sg.addEgressRule(Peer.anyIpv4(), Port.tcp(8883), "MQTT over TLS to the dev NLB");
        sg.addEgressRule(Peer.anyIpv4(), Port.tcp(443), "HTTPS: AWS APIs, S3, Maven Central");

        Map<String, String> envVars = new LinkedHashMap<>();
        envVars.put("BENCH_SCENARIO", config.benchScenario());
        envVars.put("BENCH_REPORT_DIR", BENCH_REPORT_DIR);
        envVars.put("BENCH_REPORT_BUCKET", benchReports.getBucketName());
        return step("BenchGate", Buildspecs.read(buildspecs, "bench-gate"))
                .input(source)
                .vpc(vpc)
                .subnetSelection(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build())
                .securityGroups(List.of(sg))
                .envFromCfnOutputs(Map.of("BENCH_ENDPOINT", devStage.stacks().broker().endpointOutput()))
                .env(envVars)
                .primaryOutputDirectory(BENCH_REPORT_DIR)
                .rolePolicyStatements(List.of(PolicyStatement.Builder.create()
                        .actions(List.of("s3:PutObject"))
                        .resources(List.of(benchReports.arnForObjects("bench-gate/*")))
                        .build()))
                .timeout(Duration.minutes(30))
                .build();
    }

    private Bucket benchReportBucket() {
        Bucket bucket = Bucket.Builder.create(this, "BenchReports")
                .encryption(BucketEncryption.S3_MANAGED)
                .enforceSsl(true)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .versioned(true)
                .lifecycleRules(List.of(LifecycleRule.builder().expiration(Duration.days(365)).build()))
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        Nag.suppress(bucket, "AwsSolutions-S1", "Holds only bench reports written by the BenchGate step's role; "
                + "writes are in that build's CloudWatch log and CloudTrail, so server access logs add no audit "
                + "value.");
        return bucket;
    }

    private List<PolicyStatement> artifactsPolicy(PipelineConfig config, String releaseDigest, String releaseAmi) {
        List<PolicyStatement> statements = new ArrayList<>();
        statements.add(PolicyStatement.Builder.create()
                .actions(List.of("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload",
                        "ecr:DescribeRepositories", "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload",
                        "ecr:PutImage", "ecr:UploadLayerPart"))
                .resources(List.of(imageRepository.getRepositoryArn()))
                .build());
        // GetAuthorizationToken has no resource: it is account-wide by AWS's design.
        statements.add(PolicyStatement.Builder.create()
                .actions(List.of("ecr:GetAuthorizationToken"))
                .resources(List.of("*"))
                .build());
        statements.add(PolicyStatement.Builder.create()
                .actions(List.of("ssm:PutParameter"))
                .resources(List.of(
                        PipelineNames.parameterArn(config.account(), config.region(), releaseDigest),
                        PipelineNames.parameterArn(config.account(), config.region(), releaseAmi)))
                .build());
        // Packer's amazon-ebs builder: launch a build instance from the source AMI, snapshot it, register the AMI,
        // clean up. No security-group rights: the instance gets AmiBuild's group, which has no inbound rule, and the
        // step cannot create or open one. Instance, volume and image ids do not exist before the build, so the resources are the region's.
        statements.add(PolicyStatement.Builder.create()
                .actions(List.of("ec2:AttachVolume", "ec2:CopyImage",
                        "ec2:CreateImage", "ec2:CreateKeyPair", "ec2:CreateSnapshot",
                        "ec2:CreateTags", "ec2:CreateVolume", "ec2:DeleteKeyPair",
                        "ec2:DeleteSnapshot", "ec2:DeleteVolume", "ec2:DeregisterImage", "ec2:DescribeImageAttribute",
                        "ec2:DescribeImages", "ec2:DescribeInstances", "ec2:DescribeInstanceStatus",
                        "ec2:DescribeRegions", "ec2:DescribeSecurityGroups", "ec2:DescribeSnapshots",
                        "ec2:DescribeSubnets", "ec2:DescribeTags", "ec2:DescribeVolumes", "ec2:DescribeVpcs",
                        "ec2:DetachVolume", "ec2:GetPasswordData", "ec2:ModifyImageAttribute",
                        "ec2:ModifyInstanceAttribute", "ec2:ModifySnapshotAttribute", "ec2:RegisterImage",
                        "ec2:RunInstances", "ec2:StopInstances", "ec2:TerminateInstances"))
                .resources(List.of("*"))
                .conditions(Map.of("StringEquals", Map.of("aws:RequestedRegion", config.region())))
                .build());
        statements.addAll(amiBuild.stepPolicy(config.region(), config.account()));
        return statements;
    }

    private void replicateToOtherAccounts(PipelineConfig config, List<EnvironmentConfig> envs) {
        List<CfnReplicationConfiguration.ReplicationDestinationProperty> destinations = new ArrayList<>();
        for (EnvironmentConfig env : envs) {
            if (!env.account().equals(config.account())) {
                destinations.add(CfnReplicationConfiguration.ReplicationDestinationProperty.builder()
                        .registryId(env.account()).region(env.region()).build());
            }
        }
        if (destinations.isEmpty()) {
            return;
        }
        CfnReplicationConfiguration.Builder.create(this, "ImageReplication")
                .replicationConfiguration(CfnReplicationConfiguration.ReplicationConfigurationProperty.builder()
                        .rules(List.of(CfnReplicationConfiguration.ReplicationRuleProperty.builder()
                                .destinations(destinations)
                                .repositoryFilters(List.of(
                                        CfnReplicationConfiguration.RepositoryFilterProperty.builder()
                                                .filter(config.artifacts().imageRepository())
                                                .filterType("PREFIX_MATCH")
                                                .build()))
                                .build()))
                        .build())
                .build();
    }

    /**
     * Reasoned suppressions for what CDK Pipelines generates. Each names the exact findings (appliesTo, literal or
     * anchored regex), so a new wildcard anywhere in the pipeline is still reported.
     */
    private void suppressPipelineFindings(PipelineConfig config) {
        String account = config.account();
        String region = config.region();
        // Every CodeBuild project and action role CDK Pipelines makes gets the same grants on the pipeline's own
        // artifact bucket, its KMS key and the project's own log group and report groups.
        List<Object> generated = new ArrayList<>(List.of(
                "Action::kms:GenerateDataKey*", "Action::kms:ReEncrypt*", "Action::s3:Abort*",
                "Action::s3:DeleteObject*", "Action::s3:GetBucket*", "Action::s3:GetObject*", "Action::s3:List*"));
        generated.add(regex("^Resource::<PipelineArtifactsBucket[A-Za-z0-9]+\\.Arn>/\\*$"));
        generated.add(regex("^Resource::arn:<AWS::Partition>:logs:" + region + ":" + account
                + ":log-group:/aws/codebuild/.*$"));
        generated.add(regex("^Resource::arn:<AWS::Partition>:codebuild:" + region + ":" + account
                + ":report-group/.*$"));
        String generatedWhy = "CDK Pipelines' standard grants: objects of this pipeline's own artifact bucket, its KMS "
                + "key (GenerateDataKey*/ReEncrypt* are what SSE-KMS reads and writes need) and each CodeBuild "
                + "project's own log group and report groups; no resource outside this pipeline is reachable.";
        NagSuppressions.addResourceSuppressions(pipeline, List.of(
                NagPackSuppression.builder().id("AwsSolutions-IAM5").reason(generatedWhy).appliesTo(generated).build()),
                true);
        for (CodeBuildStep step : promoteSteps.values()) {
            Role role = (Role) step.getProject().getRole();
            NagSuppressions.addResourceSuppressions(role, List.of(NagPackSuppression.builder()
                    .id("AwsSolutions-IAM5").reason(generatedWhy).appliesTo(generated).build()), true);
        }
        // Self-mutation and asset publishing assume the CDK bootstrap roles (CDK conditions the statement on the
        // aws-cdk:bootstrap-role tag) and read stack state; their resources are not known by name here.
        Nag.suppressTree(pipeline.getSelfMutationProject(), "AwsSolutions-IAM5", "Self-mutation: assumes only the "
                + "CDK bootstrap roles (statement conditioned on the aws-cdk:bootstrap-role tag) and describes the "
                + "pipeline's own stacks; CloudFormation's Describe* has no narrower resource.",
                "Resource::*", "Resource::arn:*:iam::" + account + ":role/*");
        IConstruct assets = pipeline.getNode().tryFindChild("Assets");
        if (assets != null) {
            NagSuppressions.addResourceSuppressions(assets, List.of(NagPackSuppression.builder()
                    .id("AwsSolutions-IAM5")
                    .reason("Asset publishing (generated by CDK Pipelines): assumes only the CDK bootstrap "
                            + "file-publishing roles (conditioned on the aws-cdk:bootstrap-role tag) and writes the "
                            + "asset projects' log and report groups, named per project at deploy time.")
                    .appliesTo(List.of("Resource::*",
                            "Resource::arn:<AWS::Partition>:logs:" + region + ":" + account
                                    + ":log-group:/aws/codebuild/*",
                            "Resource::arn:<AWS::Partition>:codebuild:" + region + ":" + account + ":report-group/*"))
                    .build()), true);
        }
        Nag.suppressTree(pipeline.getPipeline().getArtifactBucket(), "AwsSolutions-S1", "Pipeline artifact bucket: "
                + "KMS-encrypted with a rotated key, SSL enforced, reachable only by this pipeline's roles; every "
                + "access is a pipeline action recorded by CodePipeline and CloudTrail.");
        Nag.suppressTree(artifactsStep.getProject(), "AwsSolutions-IAM5", "ecr:GetAuthorizationToken has no "
                + "resource-level permission (AWS design); Packer's amazon-ebs builder creates instances, volumes, "
                + "snapshots and images whose ids do not exist before the build, so its EC2 statement is limited to "
                + "this region by aws:RequestedRegion instead.", "Resource::*");
        Nag.suppressTree(artifactsStep.getProject(), "AwsSolutions-IAM5", "Packer's Session Manager connection: "
                        + "the build instance's id and the session's id exist only during the build, so StartSession "
                        + "and TerminateSession name this account's instances and sessions in this region; the KMS "
                        + "actions are the EBS encryption set (GenerateDataKey*, ReEncrypt*) on the one AMI key.",
                "Resource::arn:aws:ec2:" + config.region() + ":" + config.account() + ":instance/*",
                "Resource::arn:aws:ssm:" + config.region() + ":" + config.account() + ":session/*",
                "Action::kms:GenerateDataKey*", "Action::kms:ReEncrypt*");
        Nag.suppressTree(benchGateStep.getProject(), "AwsSolutions-IAM5", "CodeBuild in a VPC: ENI management "
                        + "(ec2:Describe* have no resource-level permission; network-interface/* is conditioned on "
                        + "the bench subnets by CDK) and report objects under bench-gate/ of the bench report bucket, "
                        + "one key per build.",
                "Resource::*", "Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:network-interface/*",
                "Resource::<" + getLogicalId((CfnElement) benchReports.getNode()
                        .getDefaultChild()) + ".Arn>/bench-gate/*");
    }

    private static RegexAppliesTo regex(String pattern) {
        return RegexAppliesTo.builder().regex("/" + pattern + "/").build();
    }

    public CodePipeline pipeline() {
        return pipeline;
    }

    public FleetMqStage devStage() {
        return devStage;
    }

    public FleetMqStage prodStage() {
        return prodStage;
    }

    AmiBuild amiBuild() {
        return amiBuild;
    }

    public CodeBuildStep artifactsStep() {
        return artifactsStep;
    }

    public CodeBuildStep benchGateStep() {
        return benchGateStep;
    }

    public CodeBuildStep promoteStep(String env) {
        return promoteSteps.get(env);
    }

    public Repository imageRepository() {
        return imageRepository;
    }
}
