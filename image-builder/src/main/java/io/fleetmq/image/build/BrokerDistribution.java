package io.fleetmq.image.build;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The broker as it goes into an image: its compiled classes (broker/target/classes) and its runtime dependency jars,
 * in classpath order, as Maven resolved them into broker/target/classpath.txt. Reading the broker module's own
 * output (rather than this module's classpath, which also holds jib and Jinjava) ships exactly what the broker runs
 * with, and works both from the reactor build and from a plain {@code ./fleetmq image} run.
 */
public record BrokerDistribution(Path classesDir, List<Path> dependencyJars) {

    public BrokerDistribution {
        Objects.requireNonNull(classesDir, "classesDir");
        dependencyJars = List.copyOf(dependencyJars);
    }

    /** Reads {@code target/classes} and {@code target/classpath.txt} of the broker module. */
    public static BrokerDistribution read(Path brokerTarget) throws IOException {
        Path classes = brokerTarget.resolve("classes");
        Path classpath = brokerTarget.resolve("classpath.txt");
        if (!Files.isDirectory(classes) || !Files.isRegularFile(classpath)) {
            throw new IOException("broker distribution not built: " + classes + " or " + classpath
                    + " missing; run ./mvnw -pl broker -am -DskipTests package");
        }
        List<Path> jars = new ArrayList<>();
        Set<String> names = new HashSet<>();
        String text = Files.readString(classpath, StandardCharsets.UTF_8).trim();
        for (String entry : text.isEmpty() ? new String[0] : text.split(java.io.File.pathSeparator)) {
            Path jar = Path.of(entry.trim());
            if (!Files.isRegularFile(jar)) {
                throw new IOException(classpath + " lists " + jar
                        + ", which does not exist (run the broker build again)");
            }
            // Jars share one directory in the image, so two with the same file name would overwrite each other.
            if (!names.add(jar.getFileName().toString())) {
                throw new IOException(classpath + " lists two jars named " + jar.getFileName());
            }
            jars.add(jar);
        }
        return new BrokerDistribution(classes, jars);
    }
}
