package io.fleetmq.broker.testing;

import io.fleetmq.broker.cli.FleetMqCli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code fleetmq broker} in a JVM of its own, the real start path, with its stdout collected line by line. Stop it
 * with {@link #sigterm()} (a real SIGTERM); {@link #close()} kills whatever is left.
 */
public final class BrokerJvm implements AutoCloseable {
    private static final Pattern LISTENER = Pattern.compile("MQTT listener on tcp://127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern HTTP_LISTENER = Pattern.compile("HTTP listener on http://127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private final CompletableFuture<Integer> httpPort = new CompletableFuture<>();
    private final Thread reader;

    private BrokerJvm(Process process) {
        this.process = process;
        this.reader = new Thread(this::readOutput, "broker-jvm-output");
        reader.start();
    }

    /**
     * Starts the broker with {@code jvmOptions} before the class path and {@code --set} for each of {@code sets}.
     * The TCP and HTTP listeners take free ports unless {@code sets} says otherwise.
     */
    public static BrokerJvm start(List<String> jvmOptions, String... sets) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), FleetMqCli.class.getName(), "broker",
                "--set", "listeners.tcp.port=0", "--set", "http.port=0"));
        for (String s : sets) {
            cmd.add("--set");
            cmd.add(s);
        }
        return new BrokerJvm(new ProcessBuilder(cmd).redirectErrorStream(true).start());
    }

    /** The broker's main logging configuration (INFO), not the tests' WARN-only one. */
    public static String mainLogbackOption() {
        return "-Dlogback.configurationFile=" + Path.of("target", "classes", "logback.xml").toAbsolutePath();
    }

    private void readOutput() {
        try (BufferedReader r = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                }
                Matcher m = LISTENER.matcher(line);
                if (m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                }
                Matcher h = HTTP_LISTENER.matcher(line);
                if (h.find()) {
                    httpPort.complete(Integer.parseInt(h.group(1)));
                }
            }
        } catch (IOException ignored) {
            // the stream closes when the process ends
        }
        port.completeExceptionally(new IllegalStateException("broker ended before listening: " + lines()));
        httpPort.completeExceptionally(new IllegalStateException("broker ended before listening: " + lines()));
    }

    /** The TCP listener's port, once the broker logged it. */
    public int awaitPort() throws Exception {
        return port.get(30, TimeUnit.SECONDS);
    }

    /** The HTTP listener's port (/metrics), once the broker logged it: needs {@link #mainLogbackOption()}. */
    public int awaitHttpPort() throws Exception {
        return httpPort.get(30, TimeUnit.SECONDS);
    }

    /** Whether the broker process is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * A real SIGTERM (through the handle: {@code Process.destroy()} would also close our end of its output pipe),
     * then waits for the exit and for the last lines.
     *
     * @return the exit code, or -1 when it did not exit within {@code timeoutSeconds}
     */
    public int sigterm(int timeoutSeconds) throws InterruptedException {
        process.toHandle().destroy();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            return -1;
        }
        reader.join(5000);
        return process.exitValue();
    }

    /** Every line written so far. */
    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        reader.join(5000);
    }
}
