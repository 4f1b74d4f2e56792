package io.fleetmq.image.roles;

import java.util.Arrays;
import java.util.Objects;

/**
 * A template rendered for the image: absolute destination path, contents, octal mode, owner and group names as the
 * role states them (mapped to numeric ids by the image build).
 */
public record RenderedFile(String path, byte[] content, int mode, String owner, String group, String template) {

    public RenderedFile {
        Objects.requireNonNull(path, "path");
        content = content.clone();
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(template, "template");
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RenderedFile r && path.equals(r.path) && Arrays.equals(content, r.content)
                && mode == r.mode && owner.equals(r.owner) && group.equals(r.group) && template.equals(r.template);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, Arrays.hashCode(content), mode, owner, group, template);
    }

    @Override
    public String toString() {
        return "RenderedFile[" + path + ", " + content.length + " bytes, mode " + Integer.toOctalString(mode) + "]";
    }
}
