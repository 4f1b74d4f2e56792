package io.fleetmq.image;

import java.nio.file.Path;

/** Where the repository is, as surefire tells the tests (fleetmq.home), so they use the real roles and manifests. */
public final class TestPaths {

    private TestPaths() {
    }

    public static Path home() {
        return Path.of(System.getProperty("fleetmq.home", "..")).toAbsolutePath().normalize();
    }

    public static Path roles() {
        return home().resolve("ansible-roles");
    }

    public static Path manifests() {
        return home().resolve("image-builder/manifests");
    }
}
