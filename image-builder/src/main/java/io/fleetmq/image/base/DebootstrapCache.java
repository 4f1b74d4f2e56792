package io.fleetmq.image.base;

import io.fleetmq.image.manifest.BaseSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Debian root filesystems made with {@code debootstrap}, kept under {@code CACHE/rootfs/} so only the first build on
 * a machine pays for it (~25-35 s), together with their docker-save tar. A cache entry is made in a temporary
 * directory and renamed into place when complete, so an interrupted run leaves no half-made root filesystem behind.
 * A rootfs is an input like any other: builds from the same cached rootfs give the same digest; a fresh debootstrap
 * from a moving mirror may give different package versions, and so a different base layer.
 */
public final class DebootstrapCache {

    private final Path cacheDir;

    public DebootstrapCache(Path cacheDir) {
        this.cacheDir = cacheDir;
    }

    /** The docker-save tar of the root filesystem {@code spec} describes, made (and cached) if needed. */
    public BaseImage.DockerTar ensure(BaseSpec.Debootstrap spec, String architecture, Consumer<String> progress)
            throws IOException, InterruptedException {
        Path rootfs = ensureRootfs(spec, architecture, progress);
        Path dir = rootfs.getParent();
        Path tar = dir.resolve(rootfs.getFileName() + ".docker.tar");
        Path diffIdFile = dir.resolve(rootfs.getFileName() + ".diffid");
        if (!Files.isRegularFile(tar) || !Files.isRegularFile(diffIdFile)) {
            progress.accept("packing " + rootfs + " into a base layer");
            String diffId = RootfsTarWriter.write(rootfs, tar, architecture);
            Path tmp = Files.createTempFile(dir, ".diffid-", ".tmp");
            Files.writeString(tmp, diffId, StandardCharsets.UTF_8);
            Files.move(tmp, diffIdFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return new BaseImage.DockerTar(tar, Files.readString(diffIdFile, StandardCharsets.UTF_8).trim());
    }

    /** The root filesystem directory {@code spec} describes, made with debootstrap on first use. */
    public Path ensureRootfs(BaseSpec.Debootstrap spec, String architecture, Consumer<String> progress)
            throws IOException, InterruptedException {
        Path dir = cacheDir.resolve("rootfs");
        String key = spec.suite() + "-" + spec.variant() + "-" + architecture + "-" + shortHash(spec.mirror() + " "
                + spec.include());
        Path rootfs = dir.resolve(key);
        Files.createDirectories(dir);
        if (!Files.isDirectory(rootfs)) {
            progress.accept("debootstrap --variant=" + spec.variant() + " " + spec.suite()
                    + " (first run on this machine; cached in " + rootfs + ")");
            debootstrap(spec, architecture, dir, rootfs);
        }
        return rootfs;
    }

    private static void debootstrap(BaseSpec.Debootstrap spec, String architecture, Path dir, Path rootfs)
            throws IOException, InterruptedException {
        Path tmp = Files.createTempDirectory(dir, ".debootstrap-");
        Path log = dir.resolve(rootfs.getFileName() + ".debootstrap.log");
        List<String> cmd = new ArrayList<>(List.of("debootstrap", "--variant=" + spec.variant(), "--arch="
                + architecture));
        if (!spec.include().isEmpty()) {
            cmd.add("--include=" + String.join(",", spec.include()));
        }
        cmd.addAll(List.of(spec.suite(), tmp.toString(), spec.mirror()));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            deleteTree(tmp);
            throw new IOException("cannot run debootstrap (install it: apt-get install debootstrap): "
                    + e.getMessage(), e);
        }
        boolean done = p.waitFor(20, TimeUnit.MINUTES);
        if (!done || p.exitValue() != 0) {
            p.destroyForcibly();
            deleteTree(tmp);
            throw new IOException("debootstrap " + spec.suite() + " failed" + (done ? " with exit code "
                    + p.exitValue() : " (timed out)")
                    + "; see " + log + (isRoot() ? "" : " (debootstrap needs root)"));
        }
        try {
            Files.move(tmp, rootfs, StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
            deleteTree(tmp); // another build finished the same root filesystem first; keep that one
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String shortHash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
