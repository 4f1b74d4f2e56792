package io.fleetmq.image.build;

import com.google.cloud.tools.jib.api.JibContainer;
import io.fleetmq.image.base.BaseImage;

import java.util.List;
import java.util.Objects;

/**
 * What a build produced: the image digest (of the manifest, what a registry reports), the image id (digest of the
 * config), where it went, the tags, and the root filesystem layer's diff id when the base was made from one (the
 * one input a fresh debootstrap may change).
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
        String baseLayer = state.base() instanceof BaseImage.DockerTar t ? t.rootfsDigest() : null;
        return new BuildResult(c.getDigest().toString(), c.getImageId().toString(), request.destination().toString(),
                c.getTags().stream().sorted().toList(), baseLayer);
    }
}
