package io.fleetmq.broker.cluster;

import io.fleetmq.broker.testing.BrokerEndpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One broker node as a separate JVM ({@code FleetMqCli broker}), the way it runs in production: its own process,
 * its own sockets, killed with a real SIGKILL or stopped with a real SIGTERM. Output goes to a log file the test can
 * wait on.
 */
public final class NodeProcess implements BrokerEndpoint, AutoCloseable {
    private final String name;
    private final int mqttPort;
    private final int clusterPort;
    private final Path log;
    private final Process process;

    private NodeProcess(String name, int mqttPort, int clusterPort, Path log, Process process) {
        this.name = name;
        this.mqttPort = mqttPort;
        this.clusterPort = clusterPort;
        this.log = log;
        this.process = process;
    }

    /** Ports for a node, chosen free by the OS now (so tests never use fixed ports). */
    record Ports(int mqtt, int cluster) {
        static Ports free() {
            return new Ports(freePort(), freePort());
        }

        String seed() {
            return "127.0.0.1:" + cluster;
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static NodeProcess start(String name, Ports ports, List<String> seeds, Path dir, String... extraSets)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.net.preferIPv4Stack=true",
                // The broker's own logging (INFO), not the tests' WARN-only configuration: tests wait on its lines.
                "-Dlogback.configurationFile=" + mainLogbackConfig(),
                "-cp", System.getProperty("java.class.path"),
                "io.fleetmq.broker.cli.FleetMqCli", "broker",
                "--set", "nodeName=" + name,
                "--set", "listeners.tcp.port=" + ports.mqtt(),
                "--set", "cluster.enabled=true",
                "--set", "cluster.port=" + ports.cluster(),
                "--set", "cluster.seeds=" + String.join(",", seeds),
                // As in production: node-to-node traffic authenticated and encrypted with the cluster's secret.
                "--set", "cluster.secretFile=" + secretFile(dir),
                "--set", "sys.interval=1s",
                "--set", "http.port=0"));
        for (String s : extraSets) {
            cmd.add("--set");
            cmd.add(s);
        }
        Path log = dir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("FLEETMQ_"));
        NodeProcess node = new NodeProcess(name, ports.mqtt(), ports.cluster(), log, pb.start());
        node.awaitLog(l -> l.contains("started (config"), Duration.ofSeconds(30));
        return node;
    }

    /** The secret of the cluster whose nodes log to {@code dir}: made once (48 random bytes, base64), then reused. */
    static synchronized Path secretFile(Path dir) throws IOException {
        Path file = dir.resolve("cluster.secret");
        if (!Files.exists(file)) {
            byte[] random = new byte[48];
            new java.security.SecureRandom().nextBytes(random);
            Files.writeString(file, java.util.Base64.getEncoder().encodeToString(random) + "\n",
                    StandardCharsets.US_ASCII);
        }
        return file;
    }

    private static String mainLogbackConfig() {
        try {
            for (var it = NodeProcess.class.getClassLoader().getResources("logback.xml").asIterator();
                 it.hasNext(); ) {
                return it.next().toString();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("logback.xml of the broker not on the class path");
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    @Override
    public int port() {
        return mqttPort;
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    int clusterPort() {
        return clusterPort;
    }

    /** Waits until a log line matches; fails naming the node and showing the log tail if it does not. */
    String awaitLog(Predicate<String> line, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String l : lines()) {
                if (line.test(l)) {
                    return l;
                }
            }
            if (!process.isAlive()) {
                throw new AssertionError("node " + name + " exited with " + process.exitValue() + ":\n" + tail());
            }
            Thread.sleep(50);
        }
        throw new AssertionError("node " + name + ": expected log line not seen in " + timeout + ":\n" + tail());
    }

    /** Waits until this node's view has exactly these members (in any order: the oldest member comes first). */
    void awaitMembers(List<String> names, Duration timeout) throws IOException, InterruptedException {
        java.util.regex.Pattern view = java.util.regex.Pattern.compile("cluster view \\d+: members \\[([^]]*)]");
        java.util.Set<String> expected = new java.util.HashSet<>(names);
        awaitLogSince(0, l -> {
            java.util.regex.Matcher m = view.matcher(l);
            return m.find() && new java.util.HashSet<>(List.of(m.group(1).split(", "))).equals(expected);
        }, timeout);
    }

    /** As {@link #awaitLog}, looking only at lines after the first {@code skip} lines. */
    String awaitLogSince(int skip, Predicate<String> line, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<String> all = lines();
            for (int i = Math.min(skip, all.size()); i < all.size(); i++) {
                if (line.test(all.get(i))) {
                    return all.get(i);
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("node " + name + ": expected log line not seen in " + timeout + ":\n" + tail());
    }

    List<String> lines() throws IOException {
        return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
    }

    String tail() throws IOException {
        List<String> l = lines();
        return String.join("\n", l.subList(Math.max(0, l.size() - 40), l.size()));
    }

    /** A real SIGKILL: no shutdown hook, no goodbye to the cluster. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** A real SIGTERM, as Kubernetes sends on scale-in; returns the exit code. */
    int sigterm(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("node " + name + " did not exit within " + timeout + " after SIGTERM");
        }
        return process.exitValue();
    }

    /** A real SIGSTOP: the node is frozen (a long GC pause, an overloaded host) until {@link #resume()}. */
    void suspend() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT after {@link #suspend()}. */
    void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
