package io.fleetmq.image.base;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Java runtimes made with the building JDK's {@code jlink}, cached under {@code CACHE/jlink/} by JDK release and
 * module list. jlink writes the same bytes for the same JDK and modules (checked on this machine), so a cached
 * runtime and a fresh one make the same layer. The runtime is for the building JDK's own platform only.
 */
public final class JlinkRuntimes {

    private final Path cacheDir;

    public JlinkRuntimes(Path cacheDir) {
        this.cacheDir = cacheDir;
    }

    public Path ensure(Path javaHome, List<String> modules) throws IOException, InterruptedException {
        Path jlink = javaHome.resolve("bin/jlink");
        if (!Files.isExecutable(jlink)) {
            throw new IOException("no jlink in " + javaHome + " (a full JDK 17 is needed to make the runtime layer)");
        }
        Path release = javaHome.resolve("release");
        String jdk = Files.isRegularFile(release) ? Files.readString(release, StandardCharsets.UTF_8)
                : javaHome.toString();
        Path dir = cacheDir.resolve("jlink");
        Path runtime = dir.resolve(hash(jdk + "\n" + String.join(",", modules)));
        if (Files.isRegularFile(runtime.resolve("bin/java"))) {
            return runtime;
        }
        Files.createDirectories(dir);
        Path tmp = dir.resolve(".jlink-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        Path log = dir.resolve(runtime.getFileName() + ".log");
        List<String> cmd = new ArrayList<>(List.of(jlink.toString(), "--add-modules", String.join(",", modules),
                "--strip-debug", "--no-man-pages", "--no-header-files", "--compress=2", "--output", tmp.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean done = p.waitFor(10, TimeUnit.MINUTES);
        if (!done || p.exitValue() != 0) {
            p.destroyForcibly();
            DebootstrapCache.deleteTree(tmp);
            throw new IOException("jlink failed" + (done ? " with exit code " + p.exitValue() : " (timed out)") + ": "
                    + Files.readString(log, StandardCharsets.UTF_8).strip().replace('\n', ' '));
        }
        try {
            Files.move(tmp, runtime, StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
            DebootstrapCache.deleteTree(tmp); // another build made the same runtime meanwhile: same bytes
        }
        return runtime;
    }

    private static String hash(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
