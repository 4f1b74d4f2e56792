package io.fleetmq.image.ami;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the AMI id from the file Packer's {@code manifest} post-processor writes: the build of the last run
 * ({@code last_run_uuid}) has {@code artifact_id} "REGION:AMI_ID[,REGION:AMI_ID...]".
 */
public final class PackerManifest {

    private PackerManifest() {
    }

    public static String amiId(Path manifest, String region) throws IOException {
        if (!Files.isRegularFile(manifest)) {
            throw new IOException("Packer wrote no manifest at " + manifest);
        }
        JsonNode root = new ObjectMapper().readTree(manifest.toFile());
        String lastRun = root.path("last_run_uuid").asText("");
        for (JsonNode build : root.path("builds")) {
            if (!build.path("packer_run_uuid").asText().equals(lastRun)) {
                continue;
            }
            for (String artifact : build.path("artifact_id").asText("").split(",")) {
                String[] parts = artifact.trim().split(":", 2);
                if (parts.length == 2 && parts[0].equals(region) && parts[1].matches("ami-[0-9a-f]{8,17}")) {
                    return parts[1];
                }
            }
            throw new IOException(manifest + ": the last build's artifact_id \"" + build.path("artifact_id").asText()
                    + "\" names no AMI in " + region);
        }
        throw new IOException(manifest + ": no build of the last run (" + lastRun + ")");
    }
}
