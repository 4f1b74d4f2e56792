package io.fleetmq.image;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Small helpers for the tests that drive real tools (skopeo, umoci, runc, docker-registry, mosquitto). */
public final class Processes {

    private Processes() {
    }

    public record Result(int exitCode, String output) {
    }

    /** Runs a command to completion (bounded), stdout and stderr together. */
    public static Result run(Path dir, long timeoutSeconds, String... cmd) throws IOException, InterruptedException {
        Path log = Files.createTempFile("fleetmq-test-", ".log");
        try {
            Process p = new ProcessBuilder(cmd).directory(dir == null ? null : dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", cmd) + " did not finish in " + timeoutSeconds + " s: "
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** Runs a command that must succeed, returning its output. */
    public static String ok(long timeoutSeconds, String... cmd) throws IOException, InterruptedException {
        Result r = run(null, timeoutSeconds, cmd);
        if (r.exitCode() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " exited " + r.exitCode() + ": " + r.output());
        }
        return r.output();
    }

    public static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Skips the calling test (with the reason) unless every tool is installed. */
    public static void assumeTools(String why, String... tools) {
        for (String tool : tools) {
            Assumptions.assumeTrue(onPath(tool), tool + " is not installed (apt-get install " + debianPackage(tool)
                    + "); needed to " + why);
        }
    }

    public static void assumeRoot(String why) {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "not running as root; needed to " + why);
    }

    private static String debianPackage(String tool) {
        return switch (tool) {
            case "mosquitto_pub", "mosquitto_sub" -> "mosquitto-clients";
            default -> tool;
        };
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public static List<String> list(String... items) {
        return List.of(items);
    }
}
