package io.fleetmq.image.build;

import com.google.cloud.tools.jib.api.JibContainer;
import io.fleetmq.image.base.BaseImage;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What the steps of one build hand each other. One instance per build, filled in step order; a getter called before
 * its step ran is a programming error and says so.
 */
public final class BuildState {

    private final BuildRequest request;
    private final Path workDir;
    private BrokerDistribution distribution;
    private byte[] sbom;
    private BaseImage base;
    private Path runtimeDir;
    private JibContainer container;

    public BuildState(BuildRequest request, Path workDir) {
        this.request = Objects.requireNonNull(request, "request");
        this.workDir = Objects.requireNonNull(workDir, "workDir");
    }

    public BuildRequest request() {
        return request;
    }

    /** A scratch directory of this build, deleted when it ends. */
    public Path workDir() {
        return workDir;
    }

    public BrokerDistribution distribution() {
        return require(distribution, "distribution");
    }

    void distribution(BrokerDistribution d) {
        this.distribution = d;
    }

    public byte[] sbom() {
        return require(sbom, "sbom").clone();
    }

    void sbom(byte[] s) {
        this.sbom = s.clone();
    }

    public BaseImage base() {
        return require(base, "base");
    }

    void base(BaseImage b) {
        this.base = b;
    }

    /** The jlink runtime directory, or null when the runtime comes with the base image. */
    public Path runtimeDir() {
        return runtimeDir;
    }

    void runtimeDir(Path p) {
        this.runtimeDir = p;
    }

    public JibContainer container() {
        return require(container, "container");
    }

    void container(JibContainer c) {
        this.container = c;
    }

    private static <T> T require(T value, String what) {
        if (value == null) {
            throw new IllegalStateException(what + " asked for before the step that makes it ran");
        }
        return value;
    }
}
