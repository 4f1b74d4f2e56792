package io.fleetmq.bench.compare;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** What the table was measured on: cores, memory, the java and mosquitto versions. */
record Machine(int cores, String memory, String javaVersion, String mosquittoVersion) {

    static Machine describe() {
        return new Machine(Runtime.getRuntime().availableProcessors(), readMemTotal(),
                firstLine(List.of(ProcessHandle.current().info().command().orElse("java"), "-version")),
                firstLine(List.of(BrokerProcess.MOSQUITTO.toString(), "-h")));
    }

    String line() {
        return String.format(Locale.ROOT, "%d cores, %s RAM, %s, %s, loopback", cores, memory, javaVersion, mosquittoVersion);
    }

    /** The 1-minute load average from /proc/loadavg, or "unknown". */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String readMemTotal() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(l.substring(9).trim().split("\\s+")[0]);
                    return String.format(Locale.ROOT, "%.1f GiB", kb / 1024.0 / 1024.0);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return "unknown";
    }

    /** The first line a command prints (stdout and stderr merged), e.g. {@code java -version}. */
    private static String firstLine(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line = r.readLine();
                p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
                return line == null ? "unknown " + cmd.get(0) : line.strip();
            }
        } catch (IOException e) {
            return "unknown " + cmd.get(0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown " + cmd.get(0);
        }
    }
}
