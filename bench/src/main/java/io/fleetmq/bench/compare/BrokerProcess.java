package io.fleetmq.bench.compare;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A broker under test, as a child process on free loopback ports (plain MQTT and mutual-TLS MQTT): FleetMQ in its own
 * JVM, Debian's Mosquitto, or HiveMQ CE (embedded, in its own JVM from the bench-hivemq module). One process per
 * broker, so its CPU time and RSS are read from /proc per broker. {@link #close()} sends SIGTERM, waits, then kills.
 */
public final class BrokerProcess implements AutoCloseable {
    public static final Path MOSQUITTO = Path.of("/usr/sbin/mosquitto");
    /** Outbound QoS 1/2 messages in flight per session, the same on both brokers. */
    static final int MAX_INFLIGHT = 100;
    /** Messages queued per session beyond the inflight window, the same on both brokers. */
    static final int MAX_QUEUED = 1_000_000;

    public static final String FLEETMQ = "FleetMQ";
    public static final String MOSQUITTO_NAME = "Mosquitto";
    public static final String HIVEMQ = "HiveMQ CE";
    /** HiveMQ CE takes ~5 s to start on an idle machine; a busy one needs more. */
    private static final int START_TIMEOUT_SECS = 120;

    private final String name;
    private final Process process;
    private final int port;
    private final int tlsPort;
    private final Path log;

    private BrokerProcess(String name, Process process, int port, int tlsPort, Path log) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.tlsPort = tlsPort;
        this.log = log;
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    /** The mutual-TLS listener (client certificate required). */
    public int tlsPort() {
        return tlsPort;
    }

    public long pid() {
        return process.pid();
    }

    /** The repository root: {@code FLEETMQ_HOME}, else the first directory up from the working dir with broker/pom.xml. */
    public static Path repoRoot() {
        String home = System.getenv("FLEETMQ_HOME");
        if (home != null && !home.isBlank()) {
            return Path.of(home).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("broker/pom.xml")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the FleetMQ repository (no broker/pom.xml above "
                + Path.of("").toAbsolutePath() + "); set FLEETMQ_HOME to the repository root");
    }

    /** broker/target/classes plus the runtime class path, or a message saying how to build them. */
    public static String fleetMqClassPath(Path root) throws IOException {
        Path classes = root.resolve("broker/target/classes");
        Path cp = root.resolve("broker/target/classpath.txt");
        if (!Files.isDirectory(classes) || !Files.isRegularFile(cp)) {
            throw new IllegalStateException("the broker is not built (" + classes + " or " + cp
                    + " missing); run './mvnw -DskipTests package -pl broker -am' (or './fleetmq broker --help') first");
        }
        return classes + java.io.File.pathSeparator + Files.readString(cp, StandardCharsets.UTF_8).trim();
    }

    /** bench-hivemq/target/classes plus its runtime class path (HiveMQ CE and its dependencies), or how to build them. */
    public static String hiveMqClassPath(Path root) throws IOException {
        Path classes = root.resolve("bench-hivemq/target/classes");
        Path cp = root.resolve("bench-hivemq/target/classpath.txt");
        if (!Files.isDirectory(classes) || !Files.isRegularFile(cp)) {
            throw new IllegalStateException("the HiveMQ CE peer is not built (" + classes + " or " + cp
                    + " missing); run './mvnw -DskipTests package -pl bench -am' first");
        }
        return classes + java.io.File.pathSeparator + Files.readString(cp, StandardCharsets.UTF_8).trim();
    }

    /** A port that was free a moment ago (bound to port 0, then released). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    private static List<String> java(String jvmOpts, String classPath, String main) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        if (jvmOpts != null && !jvmOpts.isBlank()) {
            cmd.addAll(Arrays.asList(jvmOpts.trim().split("\\s+")));
        }
        cmd.addAll(List.of("-cp", classPath, main));
        return cmd;
    }

    public static BrokerProcess startFleetMq(Path root, String jvmOpts, Path workDir, TlsMaterial tls)
            throws IOException {
        String classPath = fleetMqClassPath(root);
        int port = freePort();
        int tlsPort = freePort();
        List<String> cmd = java(jvmOpts, classPath, "io.fleetmq.broker.cli.FleetMqCli");
        cmd.addAll(List.of("broker",
                "--set", "listeners.tcp.bind=127.0.0.1",
                "--set", "listeners.tcp.port=" + port,
                "--set", "listeners.tls.enabled=true",
                "--set", "listeners.tls.bind=127.0.0.1",
                "--set", "listeners.tls.port=" + tlsPort,
                "--set", "listeners.tls.clientAuth=required",
                "--set", "tls.certFile=" + tls.serverCertPem(),
                "--set", "tls.keyFile=" + tls.serverKeyPem(),
                "--set", "tls.caFile=" + tls.caPem(),
                "--set", "sys.enabled=false",
                "--set", "http.enabled=false", // the comparison needs no /metrics; nothing to bind beside MQTT
                "--set", "sessions.maxInflightMessages=" + MAX_INFLIGHT,
                "--set", "sessions.maxQueuedMessages=" + MAX_QUEUED));
        return start(FLEETMQ, cmd, port, tlsPort, workDir.resolve("fleetmq.log"));
    }

    public static BrokerProcess startMosquitto(Path workDir, TlsMaterial tls) throws IOException {
        if (!Files.isExecutable(MOSQUITTO)) {
            throw new IllegalStateException(MOSQUITTO + " is not installed; install Debian's mosquitto package "
                    + "(apt-get install mosquitto) to compare against it");
        }
        int port = freePort();
        int tlsPort = freePort();
        Path conf = Files.writeString(workDir.resolve("mosquitto.conf"), String.join("\n",
                "listener " + port + " 127.0.0.1",
                "listener " + tlsPort + " 127.0.0.1",
                "cafile " + tls.caPem(),
                "certfile " + tls.serverCertPem(),
                "keyfile " + tls.serverKeyPem(),
                "require_certificate true",
                // Started as root, mosquitto switches to user "mosquitto" before it reads the certificate files, which
                // are private to the user running the bench; so it stays the user that started it (no-op otherwise).
                "user " + System.getProperty("user.name"),
                "allow_anonymous true",
                "persistence false",
                "max_connections -1",
                "max_inflight_messages " + MAX_INFLIGHT,
                "max_queued_messages " + MAX_QUEUED,
                "connection_messages false",
                "log_dest stderr",
                "log_type error",
                "log_type warning",
                ""));
        return start(MOSQUITTO_NAME, List.of(MOSQUITTO.toString(), "-c", conf.toString()), port, tlsPort,
                workDir.resolve("mosquitto.log"));
    }

    /**
     * HiveMQ CE 2025.5 embedded, in a JVM of its own ({@code jvmOpts}), configured by {@link HiveMqConfig} in
     * {@code workDir/hivemq-conf}; data (in-memory persistence writes only metadata) in {@code workDir/hivemq-data}.
     */
    public static BrokerProcess startHiveMq(Path root, String jvmOpts, Path workDir, TlsMaterial tls)
            throws IOException {
        String classPath = hiveMqClassPath(root);
        workDir = workDir.toAbsolutePath(); // HiveMQ resolves relative paths against its own home, not ours
        int port = freePort();
        int tlsPort = freePort();
        Path conf = Files.createDirectories(workDir.resolve("hivemq-conf"));
        Files.writeString(conf.resolve("config.xml"), HiveMqConfig.xml(port, tlsPort, tls), StandardCharsets.UTF_8);
        List<String> cmd = java(jvmOpts, classPath, "io.fleetmq.bench.hivemq.HiveMqPeer");
        cmd.addAll(List.of(conf.toString(), workDir.resolve("hivemq-data").toString()));
        return start(HIVEMQ, cmd, port, tlsPort, workDir.resolve("hivemq.log"));
    }

    private static BrokerProcess start(String name, List<String> cmd, int port, int tlsPort, Path log)
            throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        BrokerProcess b = new BrokerProcess(name, p, port, tlsPort, log);
        try {
            b.awaitListening(b.port, START_TIMEOUT_SECS);
            b.awaitListening(b.tlsPort, START_TIMEOUT_SECS);
        } catch (RuntimeException | IOException e) {
            b.close();
            throw e;
        }
        return b;
    }

    private void awaitListening(int port, int seconds) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(name + " exited with code " + process.exitValue()
                            + " before listening on port " + port + "; log " + log + ": " + logTail());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " not listening on port " + port + " after " + seconds
                            + " s; log " + log + ": " + logTail());
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", ie);
                }
            }
        }
    }

    /** Whether the process is still running (a crash during a workload is reported, not hidden). */
    public boolean alive() {
        return process.isAlive();
    }

    public String logTail() {
        try {
            String s = Files.readString(log, StandardCharsets.UTF_8).strip();
            return s.length() > 2000 ? "..." + s.substring(s.length() - 2000) : s;
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Resident set size of the broker process in KB (VmRSS in /proc/PID/status). */
    public long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
            }
        }
        throw new IOException("no VmRSS in /proc/" + pid() + "/status");
    }

    /** Closes the broker's stdin, as the death of the process that started it would. */
    void closeInput() throws IOException {
        process.getOutputStream().close();
    }

    /** Waits up to {@code seconds} for the process to exit; its exit code, or -1 if it is still running. */
    int awaitExit(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    /** User + system CPU time the broker process has used so far, in ms (/proc/PID/stat, all threads). */
    public long cpuMillis() throws IOException {
        return ProcessCpu.millis(pid());
    }

    /** SIGTERM, up to 5 s to exit (Ctrl-C gives the whole run 15 s to clean up), then SIGKILL. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
