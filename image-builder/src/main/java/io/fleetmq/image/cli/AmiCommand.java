package io.fleetmq.image.cli;

import io.fleetmq.image.ami.AmiPlan;
import io.fleetmq.image.ami.AmiStaging;
import io.fleetmq.image.ami.BuildPlacement;
import io.fleetmq.image.ami.PackerManifest;
import io.fleetmq.image.ami.PackerRunner;
import io.fleetmq.image.ami.SsmPublisher;
import io.fleetmq.image.ami.Tools;
import io.fleetmq.image.manifest.AmiTarget;
import io.fleetmq.image.manifest.ImageManifest;
import io.fleetmq.image.validate.ValidatedManifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "ami", mixinStandardHelpOptions = true,
        description = {"Bake an AMI from a manifest's targets.ami with Packer: renders the Packer variables file and",
                "an Ansible playbook of the manifest's roles, runs packer validate, then packer build, and publishes",
                "the AMI id to SSM Parameter Store (targets.ami.ssmParameter, {env} replaced by --env)."},
        footer = {"", "Examples:",
                "  ./fleetmq image ami --manifest image-builder/manifests/broker-node-ami.yaml --dry-run",
                "  ./fleetmq image ami --manifest image-builder/manifests/eks-node.yaml --env dev "
                        + "--preload-image /tmp/broker.tar --subnet-id subnet-... --security-group-id sg-... "
                        + "--instance-profile NAME --kms-key-id arn:aws:kms:...",
                "", "Needs packer and ansible-playbook on PATH, and AWS credentials (default chain) unless --dry-run.",
                "Exit codes: 0 done, 1 failure (missing tool or credentials, packer failed), 2 bad input."})
final class AmiCommand implements Callable<Integer> {

    @ParentCommand
    ImageCli parent;

    @Mixin
    ManifestOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--dry-run", description = "Stop after packer validate and print the packer build command.")
    boolean dryRun;

    @Option(names = "--env", paramLabel = "ENV",
            description = "Environment the AMI id is published for ({env} in targets.ami.ssmParameter), e.g. dev.")
    String env;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Where the variables file, playbook and staged distribution go "
                    + "(default: CACHE/ami/<name>-<version>, CACHE being ~/.cache/fleetmq).")
    Path workDir;

    @Option(names = "--preload-image", paramLabel = "TAR",
            description = "Broker image tar (image build --to tar:PATH) the fleetmq_eks_node role preloads.")
    Path preloadImage;

    @Option(names = "--subnet-id", paramLabel = "ID",
            description = "Private subnet of the app's VPC the build instance runs in (pipeline stack output).")
    String subnetId;

    @Option(names = "--security-group-id", paramLabel = "ID",
            description = "Security group of the build instance, without inbound rules (pipeline stack output).")
    String securityGroupId;

    @Option(names = "--instance-profile", paramLabel = "NAME",
            description = "Instance profile of the build instance, for SSM Session Manager (pipeline stack output).")
    String instanceProfile;

    @Option(names = "--kms-key-id", paramLabel = "ARN",
            description = "Customer-managed KMS key the AMI is encrypted with, usable by prod (pipeline stack output).")
    String kmsKeyId;

    /** A real build needs all four; a dry run launches nothing and validates with stand-ins of the same shape. */
    private BuildPlacement placement() {
        if (subnetId == null && securityGroupId == null && instanceProfile == null && kmsKeyId == null && dryRun) {
            return BuildPlacement.DRY_RUN;
        }
        List<String> missing = new java.util.ArrayList<>();
        if (subnetId == null) {
            missing.add("--subnet-id");
        }
        if (securityGroupId == null) {
            missing.add("--security-group-id");
        }
        if (instanceProfile == null) {
            missing.add("--instance-profile");
        }
        if (kmsKeyId == null) {
            missing.add("--kms-key-id");
        }
        if (!missing.isEmpty()) {
            throw new ParameterException(spec.commandLine(), String.join(", ", missing) + " required: the build "
                    + "instance runs in the app's VPC over Session Manager, encrypted with the release key "
                    + "(FleetMq-Pipeline outputs; pipelines/steps/ami-build.sh passes them)");
        }
        return new BuildPlacement(subnetId, securityGroupId, instanceProfile, kmsKeyId);
    }

    @Override
    public Integer call() throws Exception {
        try {
            options.manifestPath();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (env != null && !env.matches("[a-z0-9][a-z0-9-]{0,31}")) {
            throw new ParameterException(spec.commandLine(), "--env " + env
                    + ": lower-case letters, digits and '-', e.g. dev");
        }
        CliContext ctx = parent.context();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ValidatedManifest v = options.load(ctx);
        ImageManifest m = v.manifest();
        AmiTarget ami = AmiStaging.amiTarget(m);
        AmiStaging staging = new AmiStaging(ctx.home(), options.roles != null ? options.roles : ctx.defaultRoles());
        staging.template(m);
        if (!dryRun && ami.ssmParameter().contains("{env}") && env == null) {
            throw new ParameterException(spec.commandLine(), "--env is required: the AMI id is published to "
                    + ami.ssmParameter());
        }
        BuildPlacement placement = placement();

        // Everything that can be known missing is checked before anything starts.
        Tools tools = new Tools(ctx.env());
        List<String> missing = tools.missingAmiTools();
        if (!missing.isEmpty()) {
            err.println("fleetmq image: not installed: " + String.join(", ", missing) + "; image ami runs them");
            return ImageCli.FAILURE;
        }
        if (!dryRun) {
            try (DefaultCredentialsProvider credentials = DefaultCredentialsProvider.builder().build()) {
                credentials.resolveCredentials();
            } catch (RuntimeException e) {
                err.println("fleetmq image: no AWS credentials (default chain: environment, profile, SSO, instance "
                        + "role): " + ShortErrorHandler.describe(e));
                return ImageCli.FAILURE;
            }
        }

        Path work = workDir != null ? workDir : ctx.defaultCache().resolve("ami").resolve(m.name() + "-"
                + m.version());
        out.println("[1/4] staging " + m.name() + " " + m.version() + " (" + ami.template() + ") for packer/"
                + AmiStaging.TEMPLATE_FILE + " in " + work);
        out.flush();
        AmiPlan plan = staging.stage(v, work, ctx.brokerTarget(), preloadImage, env, placement);
        out.println("  roles: " + m.roles().stream().filter(r -> r.appliesTo(
                io.fleetmq.image.manifest.RoleSpec.Target.AMI)).map(r -> r.name()).collect(Collectors.joining(", ")));
        out.println("  playbook " + plan.playbook());
        out.println("  variables " + plan.varFile());

        PackerRunner packer = new PackerRunner(tools.find("packer").orElseThrow(), work);
        out.println("[2/4] " + String.join(" ", plan.validateCommand("packer")));
        out.flush();
        StringBuilder validateOutput = new StringBuilder();
        int validated = packer.validate(plan, line -> validateOutput.append(line).append('\n'));
        if (validated != 0) {
            err.print(validateOutput);
            err.println("fleetmq image: packer validate " + plan.template() + " failed (exit " + validated + ")");
            return ImageCli.FAILURE;
        }
        out.println("  template valid");
        if (dryRun) {
            out.println("dry run: would run (then publish the AMI id to " + plan.ssmParameter() + "):");
            out.println(String.join(" ", plan.buildCommand("packer")));
            out.flush();
            return ImageCli.OK;
        }

        out.println("[3/4] " + String.join(" ", plan.buildCommand("packer")));
        out.flush();
        int built = packer.build(plan, line -> {
            out.println("  " + line);
            out.flush();
        });
        if (built != 0) {
            err.println("fleetmq image: packer build failed (exit " + built + "); its output is above");
            return ImageCli.FAILURE;
        }
        String amiId = PackerManifest.amiId(plan.packerManifest(), ami.region());
        out.println("[4/4] publishing " + amiId + " to " + plan.ssmParameter());
        out.flush();
        try (SsmClient ssm = SsmClient.builder().region(Region.of(ami.region())).build()) {
            long version = new SsmPublisher(ssm).publish(plan.ssmParameter(), amiId, m.name() + " " + m.version()
                    + " (manifest sha256 " + m.sha256() + ")");
            out.println("  " + plan.ssmParameter() + " version " + version);
        }
        out.println(amiId);
        out.flush();
        return ImageCli.OK;
    }
}
