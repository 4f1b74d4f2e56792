package io.fleetmq.image.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetmq.image.dest.Destination;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Show what an image is: digest, image id, platform, user, entrypoint, ports, labels, layers.",
                "REF is tar:PATH (a docker-save tar) or registry:HOST/REPO:TAG (anonymous pull, e.g. a loopback registry)."},
        footer = {"", "Examples:", "  ./fleetmq image inspect tar:/tmp/broker.tar",
                "  ./fleetmq image inspect registry:127.0.0.1:5000/fleetmq/broker:0.1.0"})
final class InspectCommand implements Callable<Integer> {

    private static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

    @Parameters(index = "0", paramLabel = "REF", description = "tar:PATH or registry:HOST/REPO:TAG")
    String ref;

    @Option(names = "--stacktrace", hidden = true)
    boolean stacktrace;

    @Spec
    CommandSpec spec;

    private final ObjectMapper json = new ObjectMapper();

    @Override
    public Integer call() throws Exception {
        Destination dest;
        try {
            dest = Destination.parse(ref);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (dest instanceof Destination.Tar t) {
            inspectTar(t, out);
        } else if (dest instanceof Destination.Registry r) {
            inspectRegistry(r, out);
        } else {
            throw new ParameterException(spec.commandLine(),
                    "inspect reads tar: and registry: references; for ECR use registry:ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO:TAG with a logged-in client");
        }
        out.flush();
        return ImageCli.OK;
    }

    private void inspectTar(Destination.Tar t, PrintWriter out) throws Exception {
        if (!Files.isRegularFile(t.path())) {
            throw new IOException("no such file: " + t.path());
        }
        Map<String, byte[]> small = new HashMap<>();
        Map<String, Long> sizes = new HashMap<>();
        try (InputStream in = Files.newInputStream(t.path()); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                sizes.put(e.getName(), e.getSize());
                if (e.getName().endsWith(".json")) {
                    small.put(e.getName(), tar.readAllBytes());
                }
            }
        }
        byte[] manifestBytes = small.get("manifest.json");
        if (manifestBytes == null) {
            throw new IOException(t.path() + " is not a docker-save tar (no manifest.json)");
        }
        JsonNode manifest = json.readTree(manifestBytes).get(0);
        String configName = manifest.get("Config").asText();
        byte[] config = small.get(configName);
        out.println("image      " + t);
        out.println("tags       " + manifest.get("RepoTags"));
        String digest = registryDigest(config, manifest.get("Layers"), sizes);
        if (digest != null) {
            out.println("digest     " + digest);
        }
        out.println("image id   sha256:" + sha256(config));
        printConfig(json.readTree(config), out);
        int i = 0;
        for (JsonNode layer : manifest.get("Layers")) {
            out.printf("layer %d    %s (%d bytes)%n", i++, layer.asText(), sizes.getOrDefault(layer.asText(), -1L));
        }
    }

    /**
     * The digest a registry gives this image once pushed: the SHA-256 of the Docker v2.2 manifest jib writes, which
     * a jib tar lets us rebuild exactly (its layers are stored compressed, named by their digest). Null for tars
     * written by other tools.
     */
    static String registryDigest(byte[] config, JsonNode layers, Map<String, Long> sizes) throws Exception {
        StringBuilder m = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + DOCKER_MANIFEST
                + "\",\"config\":{"
                + "\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"digest\":\"sha256:"
                        + sha256(config)
                + "\",\"size\":" + config.length + "},\"layers\":[");
        for (int i = 0; i < layers.size(); i++) {
            String name = layers.get(i).asText();
            if (!name.matches("[0-9a-f]{64}\\.tar\\.gz") || !sizes.containsKey(name)) {
                return null;
            }
            m.append(i == 0 ? "" : ",")
                    .append("{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"digest\":\"sha256:")
                    .append(name, 0, 64).append("\",\"size\":").append(sizes.get(name)).append('}');
        }
        m.append("]}");
        return "sha256:" + sha256(m.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private void inspectRegistry(Destination.Registry r, PrintWriter out) throws Exception {
        String[] hostRest = r.reference().split("/", 2);
        String repoTag = hostRest[1];
        int colon = repoTag.lastIndexOf(':');
        String repo = colon < 0 ? repoTag : repoTag.substring(0, colon);
        String tag = colon < 0 ? "latest" : repoTag.substring(colon + 1);
        String host = hostRest[0];
        String scheme = host.startsWith("127.") || host.startsWith("localhost") ? "http" : "https";
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<byte[]> manifest = http.send(HttpRequest.newBuilder(URI.create(scheme + "://" + host + "/v2/" + repo + "/manifests/" + tag))
                .header("Accept", DOCKER_MANIFEST + ", " + OCI_MANIFEST).timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        if (manifest.statusCode() != 200) {
            throw new IOException("registry answered " + manifest.statusCode() + " for " + r.reference()
                    + (manifest.statusCode() == 401
                            ? " (authentication required: inspect reads anonymous registries only)" : ""));
        }
        JsonNode m = json.readTree(manifest.body());
        String configDigest = m.get("config").get("digest").asText();
        HttpResponse<byte[]> config = http.send(HttpRequest.newBuilder(URI.create(scheme + "://" + host + "/v2/" + repo + "/blobs/" + configDigest))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (config.statusCode() != 200) {
            throw new IOException("registry answered " + config.statusCode() + " for the config blob " + configDigest);
        }
        out.println("image      " + r);
        out.println("digest     sha256:" + sha256(manifest.body()));
        out.println("image id   " + configDigest);
        printConfig(json.readTree(config.body()), out);
        int i = 0;
        for (JsonNode layer : m.get("layers")) {
            out.printf("layer %d    %s (%d bytes)%n", i++, layer.get("digest").asText(), layer.get("size").asLong());
        }
    }

    private static void printConfig(JsonNode config, PrintWriter out) {
        out.println("platform   " + config.path("os").asText() + "/" + config.path("architecture").asText());
        out.println("created    " + config.path("created").asText());
        JsonNode c = config.path("config");
        out.println("user       " + c.path("User").asText());
        out.println("entrypoint " + c.path("Entrypoint"));
        out.println("ports      " + fieldNames(c.path("ExposedPorts")));
        out.println("env        " + c.path("Env"));
        out.println("workdir    " + c.path("WorkingDir").asText());
        for (Iterator<Map.Entry<String, JsonNode>> it = c.path("Labels").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.println("label      " + e.getKey() + "=" + e.getValue().asText());
        }
    }

    private static String fieldNames(JsonNode node) {
        StringBuilder sb = new StringBuilder();
        node.fieldNames().forEachRemaining(n -> sb.append(sb.length() == 0 ? "" : " ").append(n));
        return sb.toString();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
