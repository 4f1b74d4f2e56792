package io.fleetmq.image.ami;

import io.fleetmq.image.Processes;
import io.fleetmq.image.TestPaths;
import io.fleetmq.image.base.DebootstrapCache;
import io.fleetmq.image.manifest.BaseSpec;
import io.fleetmq.image.manifest.ManifestParser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Debian root filesystems for applying the roles for real: the image builder's cached debootstrap of broker.yaml's
 * base (~/.cache/fleetmq/rootfs, shared with its tests and never modified here), copied once into
 * ~/.cache/fleetmq/ami/ with python3 installed (what Ansible needs on a target) and a policy-rc.d that keeps package
 * scripts from starting services in a chroot; then copied afresh for every test run, with /proc mounted.
 */
final class TestRootfs {

    private TestRootfs() {
    }

    static Path cache() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache"))
                .resolve("fleetmq");
    }

    /** The prepared root filesystem (debootstrap + python3), made on first use. */
    static Path prepared() throws Exception {
        BaseSpec.Debootstrap spec = (BaseSpec.Debootstrap) ManifestParser.read(TestPaths.manifests()
                .resolve("broker.yaml")).containerBase();
        String arch = Processes.ok(30, "dpkg", "--print-architecture").trim();
        Path base = new DebootstrapCache(cache()).ensureRootfs(spec, arch, line -> { });
        Path dir = Files.createDirectories(cache().resolve("ami"));
        Path prepared = dir.resolve(base.getFileName() + "-python3");
        if (Files.isDirectory(prepared)) {
            return prepared;
        }
        Path tmp = Files.createTempDirectory(dir, ".prepare-");
        try {
            Processes.ok(300, "cp", "-a", base + "/.", tmp.toString());
            Path policy = tmp.resolve("usr/sbin/policy-rc.d");
            Files.writeString(policy, "#!/bin/sh\n# Test root filesystem: package scripts start no services.\n"
                    + "exit 101\n");
            Processes.ok(10, "chmod", "0755", policy.toString());
            Processes.ok(600, "chroot", tmp.toString(), "sh", "-c", "apt-get update -qq && DEBIAN_FRONTEND="
                    + "noninteractive apt-get install -y -qq --no-install-recommends python3");
            Files.move(tmp, prepared, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            if (Files.exists(tmp)) {
                Processes.ok(300, "rm", "-rf", "--one-file-system", tmp.toString());
            }
        }
        return prepared;
    }

    /** A fresh copy of the prepared root filesystem in {@code dir}/root, with /proc mounted (the JDK needs it). */
    static Path freshCopy(Path dir) throws Exception {
        Path root = dir.resolve("root");
        Processes.ok(300, "cp", "-a", prepared().toString(), root.toString());
        // "/" of a system is world-readable; the cached directories are private to root (made as temp dirs).
        Processes.ok(10, "chmod", "0755", root.toString());
        Processes.ok(30, "mount", "-t", "proc", "proc", root.resolve("proc").toString());
        return root;
    }

    /** Unmounts /proc and removes the copy (never crossing into a mount that is still there). */
    static void remove(Path dir) throws Exception {
        Path root = dir.resolve("root");
        Processes.run(null, 30, "umount", root.resolve("proc").toString());
        Processes.Result mounted = Processes.run(null, 10, "mountpoint", "-q", root.resolve("proc").toString());
        if (mounted.exitCode() == 0) {
            throw new AssertionError(root.resolve("proc") + " is still mounted; not removing " + dir);
        }
        Processes.ok(300, "rm", "-rf", "--one-file-system", dir.toString());
    }
}
