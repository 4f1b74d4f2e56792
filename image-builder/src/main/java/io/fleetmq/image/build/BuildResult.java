package io.fleetmq.image.build;

import com.google.cloud.tools.jib.api.JibContainer;

import java.util.List;
import java.util.Objects;

/**
 * What a build produced: the image digest (of the manifest, what a registry reports), the image id (digest of the
 * config), where it went, and the tags.
 */
public record BuildResult(String digest, String imageId, String destination, List<String> tags, String baseLayer) {

    public BuildResult {
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(imageId, "imageId");
        Objects.requireNonNull(destination, "destination");
        tags = List.copyOf(tags);
    }

    static BuildResult of(BuildRequest request, BuildState state) {
        JibContainer c = state.container();
        String baseLayer = state.base() instanceof io.fleetmq.image.base.BaseImage.DockerTar t ? t.rootfsDigest() : null;
        return new BuildResult(c.getDigest().toString(), c.getImageId().toString(), request.destination().toString(),
                c.getTags().stream().sorted().toList(), baseLayer);
    }
}
