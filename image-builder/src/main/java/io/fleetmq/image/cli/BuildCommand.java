package io.fleetmq.image.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetmq.image.build.BuildRequest;
import io.fleetmq.image.build.BuildResult;
import io.fleetmq.image.build.ImageBuildRunner;
import io.fleetmq.image.build.ImageLayout;
import io.fleetmq.image.dest.Destination;
import io.fleetmq.image.manifest.BaseSpec;
import io.fleetmq.image.manifest.ContainerTarget.Platform;
import io.fleetmq.image.manifest.ImageManifest;
import io.fleetmq.image.manifest.ManifestParser;
import io.fleetmq.image.manifest.RuntimeSpec;
import io.fleetmq.image.roles.RenderedFile;
import io.fleetmq.image.validate.ValidatedManifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

@Command(name = "build", mixinStandardHelpOptions = true,
        description = {"Build the broker container image a manifest describes and send it to a destination.",
                "Progress goes to stderr, one line per step; the image digest is printed last, on stdout.",
                "Exit codes: 0 built, 1 failed, 2 bad input (nothing built or pushed)."},
        footer = {"", "Destinations:",
                "  tar:PATH                docker-save tar (docker load -i PATH)",
                "  registry:HOST/REPO:TAG  any OCI registry (plain HTTP allowed for 127.0.0.1/localhost)",
                "  ecr:REPO[:TAG]          Amazon ECR; credentials from the AWS SDK default chain",
                "", "Examples:",
                "  ./fleetmq image build --manifest image-builder/manifests/broker.yaml --to tar:/tmp/broker.tar",
                "  ./fleetmq image build image-builder/manifests/broker.yaml --to registry:127.0.0.1:5000/fleetmq/broker:0.1.0",
                "  ./fleetmq image build --manifest image-builder/manifests/broker-production.yaml --to ecr:fleetmq/broker --platform linux/arm64",
                "  ./fleetmq image build --manifest image-builder/manifests/broker.yaml --to tar:/tmp/b.tar --dry-run --output json"})
final class BuildCommand implements Callable<Integer> {

    @ParentCommand
    ImageCli parent;

    @Mixin
    ManifestOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--to", required = true, paramLabel = "DEST",
            description = "tar:PATH, registry:REF or ecr:REPO[:TAG].")
    String to;

    @Option(names = "--platform", split = ",", paramLabel = "OS/ARCH",
            description = "Platforms to build (linux/amd64, linux/arm64); default: the manifest's.")
    List<String> platforms = new ArrayList<>();

    @Option(names = "--dry-run",
            description = "Validate and print the plan (layers, entrypoint, labels); build and push nothing.")
    boolean dryRun;

    @Option(names = "--output", paramLabel = "FORMAT",
            description = "text (default) or json, for the result on stdout.")
    String output = "text";

    @Option(names = "--cache", paramLabel = "DIR",
            description = "Cache of root filesystems, runtimes and base layers (default: ~/.cache/fleetmq).")
    Path cache;

    @Option(names = "--source-revision", paramLabel = "REV",
            description = "Revision for the image label (default: git rev-parse HEAD of the repository).")
    String sourceRevision;

    @Option(names = "--insecure-registry", description = "Allow plain HTTP to a registry that is not on loopback.")
    boolean insecureRegistry;

    @Override
    public Integer call() throws Exception {
        CliContext ctx = parent.context();
        Path manifestPath;
        Destination dest;
        List<Platform> requested = new ArrayList<>();
        try {
            manifestPath = options.manifestPath();
            dest = Destination.parse(to);
            for (String p : platforms) {
                requested.add(ManifestParser.platform(p.trim()));
            }
            if (dest instanceof Destination.Tar t) {
                Path parent = t.path().toAbsolutePath().getParent();
                if (parent == null || !java.nio.file.Files.isDirectory(parent)) {
                    throw new IllegalArgumentException("tar: directory " + parent + " does not exist");
                }
            }
            if (!output.equals("text") && !output.equals("json")) {
                throw new IllegalArgumentException("--output must be text or json, got \"" + output + "\"");
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        ValidatedManifest validated = options.load(ctx);
        ImageManifest m = validated.manifest();
        if (m.container().isEmpty()) {
            throw m.error("targets", "no container target: add targets.container to build an image");
        }
        BuildRequest request = new BuildRequest(validated, dest, ctx.brokerTarget(), cache != null ? cache
                : ctx.defaultCache(),
                ctx.javaHome(), sourceRevision != null ? sourceRevision : gitRevision(ctx.home()), requested,
                insecureRegistry || loopback(dest) || loopbackBase(validated.manifest()), ctx.env());
        String platformProblem = platformProblem(request);
        if (platformProblem != null) {
            throw new ParameterException(spec.commandLine(), platformProblem);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (dryRun) {
            if (output.equals("json")) {
                printPlanJson(out, request);
            } else {
                printPlan(out, request);
            }
            return ImageCli.OK;
        }
        PrintWriter err = spec.commandLine().getErr();
        BuildResult result = new ImageBuildRunner(new ProgressPrinter(err)).run(request);
        if (output.equals("json")) {
            ObjectNode json = new ObjectMapper().createObjectNode();
            json.put("digest", result.digest());
            json.put("imageId", result.imageId());
            json.put("destination", result.destination());
            json.putPOJO("tags", result.tags());
            if (result.baseLayer() != null) {
                json.put("baseLayer", result.baseLayer());
            }
            out.println(new ObjectMapper().writeValueAsString(json));
        } else {
            out.println("image " + result.destination() + " id " + result.imageId());
            out.println(result.digest());
        }
        out.flush();
        return ImageCli.OK;
    }

    /** Combinations jib cannot build, said before anything starts; null when the platforms are fine. */
    static String platformProblem(BuildRequest request) {
        List<Platform> platforms = request.effectivePlatforms();
        ImageManifest m = request.manifest().manifest();
        if (platforms.size() > 1 && request.destination() instanceof Destination.Tar) {
            return "a tar: destination holds one platform; build " + platforms
                    + " one --platform at a time, or push to a registry";
        }
        if (platforms.size() > 1 && !(m.containerBase() instanceof BaseSpec.RegistryImage)) {
            return "several platforms need a multi-platform registry base (base.image); this base has one platform";
        }
        if (m.containerRuntime() instanceof RuntimeSpec.Jlink) {
            String host = hostArchitecture();
            for (Platform p : platforms) {
                if (!p.architecture().equals(host)) {
                    return "runtime.jlink makes a runtime for this machine's platform (linux/" + host
                            + ") only, not " + p
                            + "; use a JRE base image (runtime.base) for other platforms";
                }
            }
        }
        return null;
    }

    static String hostArchitecture() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> arch;
        };
    }

    /** Plain HTTP is allowed without asking only on this machine's loopback (test and local registries). */
    private static boolean loopback(Destination dest) {
        return dest instanceof Destination.Registry r && loopbackHost(r.reference());
    }

    private static boolean loopbackBase(ImageManifest m) {
        return m.base().orElse(null) instanceof BaseSpec.RegistryImage r && loopbackHost(r.reference());
    }

    private static boolean loopbackHost(String reference) {
        String host = reference.split("/", 2)[0].replaceFirst(":\\d+$", "");
        return host.equals("localhost") || host.startsWith("127.");
    }

    private static String gitRevision(Path home) {
        try {
            Process p = new ProcessBuilder("git", "-C", home.toString(), "rev-parse", "HEAD")
                    .redirectErrorStream(true).start();
            String rev = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && rev.matches("[0-9a-f]{40}") ? rev
                    : "unknown";
        } catch (Exception e) {
            return "unknown";
        }
    }

    private void printPlan(PrintWriter out, BuildRequest request) {
        ImageManifest m = request.manifest().manifest();
        ImageLayout layout = ImageLayout.of(m, request.manifest().brokerVars());
        out.println("dry run: nothing is built or pushed");
        out.println("manifest     " + m.source() + " (sha256:" + m.sha256() + ")");
        out.println("destination  " + request.destination());
        out.println("platforms    " + request.effectivePlatforms());
        out.println("base         " + describe(m.containerBase()));
        out.println("layers       " + (m.containerRuntime() instanceof RuntimeSpec.Jlink j ? "runtime (jlink "
                + String.join(",", j.modules()) + " -> " + j.javaHome() + "), " : "")
                + "dependencies -> " + layout.libDir() + ", classes -> " + layout.classesDir() + ", configuration");
        for (RenderedFile f : request.manifest().containerFiles()) {
            out.println("  file       " + f.path() + " (" + Integer.toOctalString(f.mode()) + ", "
                    + layout.ownership(f) + ") from " + f.template());
        }
        out.println("  file       " + layout.sbomPath() + " (CycloneDX SBOM)");
        out.println("user         " + layout.uid() + ":" + layout.gid() + " (" + layout.user() + ")");
        out.println("ports        " + layout.ports());
        out.println("entrypoint   " + layout.javaBinary() + " " + String.join(" ", layout.javaOpts())
                + " $" + ImageLayout.JAVA_OPTS_ENV + " -cp ... "
                + ImageLayout.MAIN_CLASS + " broker --config " + layout.configFile());
        ImageLayout.labels(m, m.container().orElseThrow(), request.sourceRevision(), null)
                .forEach((k, v) -> out.println("label        " + k + "=" + v));
        out.flush();
    }

    private static void printPlanJson(PrintWriter out, BuildRequest request) throws Exception {
        ImageManifest m = request.manifest().manifest();
        ImageLayout layout = ImageLayout.of(m, request.manifest().brokerVars());
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode plan = mapper.createObjectNode();
        plan.put("dryRun", true);
        plan.put("manifest", m.source().toString());
        plan.put("manifestDigest", "sha256:" + m.sha256());
        plan.put("destination", request.destination().toString());
        request.effectivePlatforms().forEach(p -> plan.withArray("platforms").add(p.toString()));
        plan.put("base", describe(m.containerBase()));
        ObjectNode files = plan.putObject("files");
        for (RenderedFile f : request.manifest().containerFiles()) {
            ObjectNode file = files.putObject(f.path());
            file.put("mode", String.format("%04o", f.mode()));
            file.put("owner", layout.ownership(f));
            file.put("template", f.template());
        }
        plan.put("sbom", layout.sbomPath());
        plan.put("user", layout.uid() + ":" + layout.gid());
        layout.ports().forEach(p -> plan.withArray("ports").add(p));
        layout.entrypoint(List.of()).forEach(e -> plan.withArray("entrypoint").add(e));
        ObjectNode labels = plan.putObject("labels");
        ImageLayout.labels(m, m.container().orElseThrow(), request.sourceRevision(), null).forEach(labels::put);
        out.println(mapper.writeValueAsString(plan));
        out.flush();
    }

    private static String describe(BaseSpec base) {
        if (base instanceof BaseSpec.RegistryImage r) {
            return r.reference();
        }
        if (base instanceof BaseSpec.DockerTar t) {
            return "docker-save tar " + t.path();
        }
        if (base instanceof BaseSpec.RootfsDirectory d) {
            return "root filesystem " + d.path();
        }
        BaseSpec.Debootstrap d = (BaseSpec.Debootstrap) base;
        return "debootstrap --variant=" + d.variant() + " " + d.suite() + " " + d.mirror();
    }
}
