package io.fleetmq.image.build;

import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FileEntry;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import io.fleetmq.image.roles.RenderedFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The image's own layers as jib file-entry layers, each written the reproducible way: entries in sorted order,
 * every time {@link #FILE_TIME}, numeric owners, modes stated rather than taken from the build machine (only the
 * executable bit is kept).
 */
final class ImageLayers {

    /** Modification time of every file jib writes: 1970-01-01T00:00:01Z (jib's own default, stated explicitly). */
    static final Instant FILE_TIME = Instant.ofEpochSecond(1);

    private ImageLayers() {
    }

    static FileEntriesLayer dependencies(BrokerDistribution dist, ImageLayout layout) {
        FileEntriesLayer.Builder b = FileEntriesLayer.builder().setName("dependencies");
        List<Path> jars = new ArrayList<>(dist.dependencyJars());
        jars.sort((x, y) -> x.getFileName().toString().compareTo(y.getFileName().toString()));
        for (Path jar : jars) {
            b.addEntry(new FileEntry(jar, AbsoluteUnixPath.get(layout.libDir() + "/" + jar.getFileName()),
                    FilePermissions.fromOctalString("644"), FILE_TIME, "0:0"));
        }
        return b.build();
    }

    /** Every regular file under {@code dir} (links followed), sorted, executables kept executable, owned by root. */
    static FileEntriesLayer tree(String name, Path dir, String extractTo) throws IOException {
        FileEntriesLayer.Builder b = FileEntriesLayer.builder().setName(name);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
            String rel = dir.relativize(f).toString();
            String perms = Files.isExecutable(f) ? "755" : "644";
            b.addEntry(new FileEntry(f, AbsoluteUnixPath.get(extractTo + "/" + rel),
                    FilePermissions.fromOctalString(perms),
                    FILE_TIME, "0:0"));
        }
        return b.build();
    }

    /** Rendered role templates, the SBOM, and the broker's writable data directory. */
    static FileEntriesLayer configuration(BuildState state, ImageLayout layout) throws IOException {
        Path staging = state.workDir().resolve("configuration");
        Files.createDirectories(staging);
        FileEntriesLayer.Builder b = FileEntriesLayer.builder().setName("configuration");
        List<RenderedFile> files = new ArrayList<>(state.request().manifest().containerFiles());
        files.sort((x, y) -> x.path().compareTo(y.path()));
        int i = 0;
        for (RenderedFile f : files) {
            Path src = staging.resolve("rendered-" + (i++));
            Files.write(src, f.content());
            String perms = String.format("%03o", f.mode() & 0777);
            b.addEntry(new FileEntry(src, AbsoluteUnixPath.get(f.path()), FilePermissions.fromOctalString(perms),
                    FILE_TIME, layout.ownership(f)));
        }
        Path sbom = staging.resolve(ImageLayout.SBOM_NAME);
        Files.write(sbom, state.sbom());
        b.addEntry(new FileEntry(sbom, AbsoluteUnixPath.get(layout.sbomPath()), FilePermissions.fromOctalString("644"),
                FILE_TIME, "0:0"));
        Path data = Files.createDirectories(staging.resolve("data"));
        b.addEntry(new FileEntry(data, AbsoluteUnixPath.get(layout.dataDir()), FilePermissions.fromOctalString("750"),
                FILE_TIME, layout.uid() + ":" + layout.gid()));
        return b.build();
    }
}
