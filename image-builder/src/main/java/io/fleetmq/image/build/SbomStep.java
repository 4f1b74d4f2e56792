package io.fleetmq.image.build;

import io.fleetmq.image.sbom.CycloneDxWriter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** Writes the CycloneDX bill of materials of the broker's dependencies (shipped in the image). */
final class SbomStep implements BuildStep {

    @Override
    public String name() {
        return "write SBOM";
    }

    @Override
    public void run(BuildState state, Progress progress) throws Exception {
        BrokerDistribution d = state.distribution();
        byte[] bom = CycloneDxWriter.write(brokerVersion(d.classesDir()), d.dependencyJars(),
                state.request().manifest().manifest().container().orElseThrow().creationTime());
        state.sbom(bom);
        progress.report("CycloneDX 1.5, " + d.dependencyJars().size() + " components");
    }

    private static String brokerVersion(Path classes) throws IOException {
        Path file = classes.resolve("fleetmq-version.properties");
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        return p.getProperty("version", "unknown");
    }
}
