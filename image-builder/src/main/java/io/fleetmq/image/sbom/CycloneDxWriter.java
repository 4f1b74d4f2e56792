package io.fleetmq.image.sbom;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * A CycloneDX 1.5 JSON bill of materials of the broker's runtime dependencies, written at image build time from the
 * jars that go into the image: Maven coordinates read off each jar's place in the local repository
 * ({@code GROUP/ARTIFACT/VERSION/ARTIFACT-VERSION[-CLASSIFIER].jar}), a package URL, and the jar's SHA-256.
 * Reproducible like the image: components in classpath order, the timestamp is the image's creation time, and the
 * serial number is derived from the content.
 */
public final class CycloneDxWriter {

    private CycloneDxWriter() {
    }

    /** Maven coordinates of a jar. */
    public record Coordinates(String group, String artifact, String version, String classifier) {
        public String purl() {
            return "pkg:maven/" + group + "/" + artifact + "@" + version
                    + (classifier == null ? "" : "?classifier=" + classifier) ;
        }
    }

    public static byte[] write(String brokerVersion, List<Path> jars, Instant timestamp) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode bom = json.createObjectNode();
        bom.put("bomFormat", "CycloneDX");
        bom.put("specVersion", "1.5");
        bom.put("serialNumber", "");
        bom.put("version", 1);
        ObjectNode metadata = bom.putObject("metadata");
        metadata.put("timestamp", timestamp.toString());
        ObjectNode tool = metadata.putObject("tools").putArray("components").addObject();
        tool.put("type", "application");
        tool.put("name", "fleetmq-image-builder");
        ObjectNode subject = metadata.putObject("component");
        subject.put("type", "application");
        subject.put("bom-ref", "pkg:maven/io.fleetmq/fleetmq-broker@" + brokerVersion);
        subject.put("group", "io.fleetmq");
        subject.put("name", "fleetmq-broker");
        subject.put("version", brokerVersion);
        subject.put("purl", "pkg:maven/io.fleetmq/fleetmq-broker@" + brokerVersion);
        ArrayNode components = bom.putArray("components");
        for (Path jar : jars) {
            Coordinates c = coordinates(jar);
            ObjectNode comp = components.addObject();
            comp.put("type", "library");
            comp.put("bom-ref", c.purl());
            comp.put("group", c.group());
            comp.put("name", c.artifact());
            comp.put("version", c.version());
            comp.put("purl", c.purl());
            ObjectNode hash = comp.putArray("hashes").addObject();
            hash.put("alg", "SHA-256");
            hash.put("content", sha256(jar));
        }
        // Serial number last: a name-based UUID of everything else, so the same dependencies give the same file.
        byte[] withoutSerial = json.writeValueAsBytes(bom);
        bom.put("serialNumber", "urn:uuid:" + UUID.nameUUIDFromBytes(withoutSerial));
        return (json.writeValueAsString(bom) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Coordinates from the jar's path in a Maven repository layout. A jar outside that layout (no version directory
     * matching its name) is an error rather than a guess.
     */
    public static Coordinates coordinates(Path jar) {
        Path versionDir = jar.getParent();
        Path artifactDir = versionDir == null ? null : versionDir.getParent();
        if (artifactDir == null || artifactDir.getParent() == null) {
            throw new IllegalArgumentException("not in a Maven repository layout: " + jar);
        }
        String version = versionDir.getFileName().toString();
        String artifact = artifactDir.getFileName().toString();
        String file = jar.getFileName().toString();
        String prefix = artifact + "-" + version;
        if (!file.startsWith(prefix) || !file.endsWith(".jar")) {
            throw new IllegalArgumentException("not in a Maven repository layout: " + jar);
        }
        String rest = file.substring(prefix.length(), file.length() - ".jar".length());
        String classifier = rest.startsWith("-") ? rest.substring(1) : null;
        Path groupPath = artifactDir.getParent();
        int repoIndex = -1;
        for (int i = 0; i < groupPath.getNameCount(); i++) {
            if (groupPath.getName(i).toString().equals("repository")) {
                repoIndex = i;
            }
        }
        if (repoIndex < 0) {
            throw new IllegalArgumentException("not under a Maven 'repository' directory: " + jar);
        }
        String group = groupPath.subpath(repoIndex + 1, groupPath.getNameCount()).toString().replace('/', '.');
        return new Coordinates(group, artifact, version, classifier);
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
