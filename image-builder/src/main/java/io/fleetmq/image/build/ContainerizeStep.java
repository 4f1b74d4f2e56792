package io.fleetmq.image.build;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FileEntry;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Platform;
import com.google.cloud.tools.jib.api.buildplan.Port;
import com.google.cloud.tools.jib.event.events.ProgressEvent;
import io.fleetmq.image.base.BaseImage;
import io.fleetmq.image.dest.Destination;
import io.fleetmq.image.dest.EcrRegistry;
import io.fleetmq.image.manifest.ContainerTarget;
import io.fleetmq.image.manifest.ImageManifest;
import io.fleetmq.image.roles.RenderedFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Assembles the image with jib-core and sends it to its destination. Layers, lowest first: Java runtime (jlink),
 * dependency jars, broker classes, rendered configuration with the SBOM and the data directory — ordered by how
 * rarely they change, so a new broker build only replaces the small top layers. Reproducible by construction:
 * every file time is {@link ImageLayers#FILE_TIME}, the creation time comes from the manifest, entries are added
 * in sorted order, and labels are sorted.
 */
final class ContainerizeStep implements BuildStep {

    @Override
    public String name() {
        return "build and send image";
    }

    @Override
    public void run(BuildState state, Progress progress) throws Exception {
        BuildRequest req = state.request();
        ImageManifest manifest = req.manifest().manifest();
        ContainerTarget target = manifest.container().orElseThrow();
        ImageLayout layout = ImageLayout.of(manifest, req.manifest().brokerVars());
        BrokerDistribution dist = state.distribution();

        BaseImage base = state.base();
        JibContainerBuilder builder = base instanceof BaseImage.Registry r
                ? Jib.from(RegistryImage.named(r.reference()))
                : Jib.from(TarImage.at(((BaseImage.DockerTar) base).path()));

        Set<Platform> platforms = new LinkedHashSet<>();
        req.effectivePlatforms().forEach(p -> platforms.add(new Platform(p.architecture(), p.os())));
        builder.setPlatforms(platforms)
                .setFormat(ImageFormat.Docker)
                .setCreationTime(target.creationTime())
                .setEntrypoint(layout.entrypoint(dist.dependencyJars()))
                .setProgramArguments(List.of())
                .setUser(layout.uid() + ":" + layout.gid())
                .setWorkingDirectory(AbsoluteUnixPath.get(layout.dataDir()))
                .setEnvironment(environment(layout))
                .setExposedPorts(ports(layout))
                .setLabels(ImageLayout.labels(manifest, target, req.sourceRevision(),
                        base instanceof BaseImage.Registry r ? r.reference() : null));

        if (state.runtimeDir() != null) {
            builder.addFileEntriesLayer(ImageLayers.tree("runtime", state.runtimeDir(), layout.javaHome()));
        }
        builder.addFileEntriesLayer(ImageLayers.dependencies(dist, layout));
        builder.addFileEntriesLayer(ImageLayers.tree("classes", dist.classesDir(), layout.classesDir()));
        builder.addFileEntriesLayer(ImageLayers.configuration(state, layout));

        Path tarTmp = null;
        Containerizer containerizer;
        boolean insecure = req.allowInsecureRegistries();
        if (req.destination() instanceof Destination.Tar t) {
            tarTmp = t.path().toAbsolutePath().resolveSibling("." + t.path().getFileName() + ".tmp-"
                    + ProcessHandle.current().pid());
            containerizer = Containerizer.to(TarImage.at(tarTmp).named(target.repository() + ":" + manifest.version()));
        } else if (req.destination() instanceof Destination.Ecr ecr) {
            progress.report("ECR: ensuring repository " + ecr.repository() + " (tags immutable) and logging in");
            EcrRegistry.Login login = EcrRegistry.prepare(ecr.repository(), req.env());
            String reference = login.registry() + "/" + ecr.repository() + ":" + ecr.tag().orElse(manifest.version());
            containerizer = withTags(Containerizer.to(RegistryImage.named(reference).addCredential(login.username(),
                    login.password())),
                    reference, target);
            insecure |= login.plainHttp();
        } else {
            String reference = ((Destination.Registry) req.destination()).reference();
            containerizer = withTags(Containerizer.to(RegistryImage.named(reference)), reference, target);
        }
        containerizer.setBaseImageLayersCache(req.cacheDir().resolve("jib/base"))
                .setApplicationLayersCache(state.workDir().resolve("jib-app-cache"))
                .setAllowInsecureRegistries(insecure)
                .setToolName("fleetmq-image-builder")
                .addEventHandler(LogEvent.class, e -> {
                    if (e.getLevel() == LogEvent.Level.WARN) {
                        progress.report("jib: " + e.getMessage());
                    }
                })
                .addEventHandler(ProgressEvent.class, new JibProgress(progress));
        try {
            JibContainer container = builder.containerize(containerizer);
            if (tarTmp != null) {
                // Written under a temporary name and moved: a failed build never leaves a half-written tar behind.
                Files.move(tarTmp, ((Destination.Tar) req.destination()).path().toAbsolutePath(),
                        StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            state.container(container);
        } finally {
            if (tarTmp != null) {
                Files.deleteIfExists(tarTmp);
            }
        }
    }

    /** The manifest's tags besides the one in the destination reference (a registry holds them all). */
    private static Containerizer withTags(Containerizer c, String reference, ContainerTarget target) throws Exception {
        String primaryTag = ImageReference.parse(reference).getQualifier();
        for (String tag : target.tags()) {
            if (!tag.equals(primaryTag)) {
                c.withAdditionalTag(tag);
            }
        }
        return c;
    }

    private static Map<String, String> environment(ImageLayout layout) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("JAVA_HOME", layout.javaHome());
        // No passwd entry is needed for the numeric user; HOME keeps tools from looking for one.
        env.put("HOME", layout.dataDir());
        return env;
    }

    private static Set<Port> ports(ImageLayout layout) {
        Set<Port> ports = new LinkedHashSet<>();
        layout.ports().forEach(p -> ports.add(Port.tcp(p)));
        return ports;
    }
}
