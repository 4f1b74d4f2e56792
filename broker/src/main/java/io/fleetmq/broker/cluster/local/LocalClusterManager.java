package io.fleetmq.broker.cluster.local;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The deployed topology on one machine: N broker processes on loopback that form a cluster, behind HAProxy in TCP
 * mode on one endpoint (as an AWS NLB sits in front of the pods). {@code up} starts it and returns; {@code status}
 * and {@code down} find it through {@link LocalClusterState} in the cluster directory.
 */
public final class LocalClusterManager {
    private static final String HOST = "127.0.0.1";

    private final Path dir;
    private final PrintWriter out;

    public LocalClusterManager(Path dir, PrintWriter out) {
        this.dir = dir;
        this.out = out;
    }

    /** Thrown for a problem the user can fix (port in use, HAProxy missing); the message says what to do. */
    public static final class LocalClusterException extends Exception {
        public LocalClusterException(String message) {
            super(message);
        }
    }

    /** What to start. */
    public record Spec(int nodes, int endpointPort, int nodeBasePort, int clusterBasePort, int httpBasePort,
                       boolean proxyProtocol, Path config, List<String> javaOptions) {
    }

    public void up(Spec spec) throws IOException, InterruptedException, LocalClusterException {
        LocalClusterState existing = LocalClusterState.read(dir);
        if (existing != null && anyAlive(existing)) {
            throw new LocalClusterException("a local cluster is already running (" + existing.nodes().size()
                    + " nodes, endpoint " + existing.endpointHost() + ":" + existing.endpointPort()
                    + "); stop it first with: ./fleetmq cluster down");
        }
        String haproxy = findHaproxy().orElseThrow(() -> new LocalClusterException(
                "haproxy not found on PATH or in /usr/sbin: install it with: sudo apt-get install -y haproxy"));
        if (spec.config() != null && !Files.isReadable(spec.config())) {
            throw new LocalClusterException("--config " + spec.config() + ": file not found or not readable");
        }
        checkFree(spec.endpointPort(), "the endpoint (--port)");
        for (int i = 0; i < spec.nodes(); i++) {
            checkFree(spec.nodeBasePort() + i, "node-" + (i + 1) + "'s MQTT listener (--node-base-port)");
            checkFree(spec.clusterBasePort() + i, "node-" + (i + 1) + "'s cluster port (--cluster-base-port)");
            checkFree(spec.httpBasePort() + i, "node-" + (i + 1) + "'s HTTP port (--http-base-port)");
        }
        Files.createDirectories(dir);
        LocalClusterSecret.Secret secret = LocalClusterSecret.ensure(dir);
        out.printf("cluster secret: %s (%s, mode 0600; every node authenticates and encrypts with it)%n",
                secret.file(), secret.created() ? "new" : "reused");
        List<String> seeds = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < spec.nodes(); i++) {
            seeds.add(HOST + ":" + (spec.clusterBasePort() + i));
            names.add("node-" + (i + 1));
        }
        List<LocalClusterState.Node> started = new ArrayList<>();
        long haproxyPid = 0;
        try {
            for (int i = 0; i < spec.nodes(); i++) {
                started.add(startNode(spec, names.get(i), i, seeds, secret.file()));
                out.printf("started %s (pid %d): MQTT %s:%d, cluster port %d, http://%s:%d/readyz, log %s%n",
                        names.get(i), started.get(i).pid(), HOST, started.get(i).mqttPort(),
                        started.get(i).clusterPort(), HOST, started.get(i).httpPort(), started.get(i).log());
                out.flush();
            }
            out.printf("waiting for the %d nodes to form one cluster...%n", spec.nodes());
            out.flush();
            for (LocalClusterState.Node n : started) {
                awaitMembers(n, names, 60);
            }
            Path cfg = dir.resolve("haproxy.cfg");
            Files.writeString(cfg, HaproxyConfig.render(HOST, spec.endpointPort(), started, dir.resolve("haproxy.pid"),
                    spec.proxyProtocol()), StandardCharsets.UTF_8);
            haproxyPid = startHaproxy(haproxy, cfg);
            awaitPort(spec.endpointPort(), 10);
            new LocalClusterState(HOST, spec.endpointPort(), haproxyPid, spec.proxyProtocol(), started).write(dir);
        } catch (IOException | InterruptedException | LocalClusterException | RuntimeException e) {
            // Nothing half-running: stop what was started before reporting.
            stopAll(started, haproxyPid);
            throw e;
        }
        out.printf("FleetMQ cluster of %d nodes ready: mqtt://%s:%d (HAProxy: least connections, %s, /readyz checks)%n",
                spec.nodes(), HOST, spec.endpointPort(),
                spec.proxyProtocol() ? "PROXY protocol v2" : "no PROXY protocol: nodes also reachable directly");
        out.println("  status: ./fleetmq cluster status    stop: ./fleetmq cluster down");
        out.flush();
    }

    /** @return true when every node and HAProxy are running */
    public boolean status() throws IOException, LocalClusterException {
        LocalClusterState s = requireState();
        boolean haproxyUp = alive(s.haproxyPid(), "haproxy");
        out.printf("FleetMQ local cluster: endpoint %s:%d (HAProxy pid %d, %s)%n", s.endpointHost(),
                s.endpointPort(), s.haproxyPid(), haproxyUp ? "running" : "NOT RUNNING");
        out.printf("%-8s %-8s %-6s %-8s %-8s %-12s %s%n", "NODE", "PID", "MQTT", "CLUSTER", "STATE", "CONNECTIONS",
                "MEMBERS");
        boolean allUp = haproxyUp;
        for (LocalClusterState.Node n : s.nodes()) {
            boolean up = alive(n.pid(), "java");
            String connections = "-";
            String members = "-";
            if (up) {
                long c = gauge(n.httpPort(), "fleetmq_connections");
                connections = c < 0 ? "?" : Long.toString(c);
                try {
                    // Member names come from $SYS over MQTT, as any operator would read them.
                    members = SysProbe.read(s.endpointHost(), n.mqttPort(), 3000, s.proxyProtocol())
                            .getOrDefault("cluster/members", "?");
                } catch (IOException e) {
                    members = "unreachable: " + e.getMessage();
                }
            }
            allUp &= up;
            out.printf("%-8s %-8d %-6d %-8d %-8s %-12s %s%n", n.name(), n.pid(), n.mqttPort(), n.clusterPort(),
                    up ? "running" : "DOWN", connections, members);
        }
        out.flush();
        return allUp;
    }

    public void down() throws IOException, InterruptedException, LocalClusterException {
        LocalClusterState s = requireState();
        out.printf("stopping %d nodes and HAProxy (SIGTERM; nodes drain first)...%n", s.nodes().size());
        out.flush();
        stopAll(s.nodes(), s.haproxyPid());
        LocalClusterState.delete(dir);
        out.println("stopped");
        out.flush();
    }

    private LocalClusterState requireState() throws IOException, LocalClusterException {
        LocalClusterState s = LocalClusterState.read(dir);
        if (s == null) {
            throw new LocalClusterException("no local cluster in " + dir + " (start one with: ./fleetmq cluster up)");
        }
        return s;
    }

    private LocalClusterState.Node startNode(Spec spec, String name, int index, List<String> seeds, Path secret)
            throws IOException {
        int mqttPort = spec.nodeBasePort() + index;
        int clusterPort = spec.clusterBasePort() + index;
        int httpPort = spec.httpBasePort() + index;
        Path log = dir.resolve(name + ".log");
        List<String> cmd = new ArrayList<>();
        if (new File("/usr/bin/setsid").canExecute()) {
            cmd.add("/usr/bin/setsid"); // own session: closing the terminal that ran 'cluster up' does not stop it
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(spec.javaOptions());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.fleetmq.broker.cli.FleetMqCli",
                "broker"));
        if (spec.config() != null) {
            cmd.addAll(List.of("--config", spec.config().toAbsolutePath().toString()));
        }
        for (String set : List.of("nodeName=" + name, "listeners.tcp.bind=" + HOST,
                "listeners.tcp.port=" + mqttPort, "cluster.enabled=true", "cluster.bind=" + HOST,
                "cluster.port=" + clusterPort, "cluster.seeds=" + String.join(",", seeds),
                "cluster.secretFile=" + secret.toAbsolutePath(), "sys.interval=2s",
                "http.bind=" + HOST, "http.port=" + httpPort,
                // HAProxy sends PROXY protocol v2, as the AWS NLB does: nodes see and log the real client address.
                "listeners.tcp.proxyProtocol=" + spec.proxyProtocol())) {
            cmd.add("--set");
            cmd.add(set);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process p = pb.start();
        return new LocalClusterState.Node(name, p.pid(), mqttPort, clusterPort, httpPort, log);
    }

    private long startHaproxy(String haproxy, Path cfg) throws IOException, InterruptedException,
            LocalClusterException {
        Path pidFile = dir.resolve("haproxy.pid");
        Files.deleteIfExists(pidFile);
        Path log = dir.resolve("haproxy.log");
        Process p = new ProcessBuilder(haproxy, "-f", cfg.toString(), "-D", "-p", pidFile.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new LocalClusterException("haproxy did not start (" + cfg + "): "
                    + Files.readString(log, StandardCharsets.UTF_8).strip());
        }
        for (int i = 0; i < 100 && !Files.exists(pidFile); i++) {
            Thread.sleep(20);
        }
        return Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).strip());
    }

    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newBuilder()
            .connectTimeout(java.time.Duration.ofSeconds(1)).build();

    /**
     * One gauge from the node's own {@code /metrics} (what Prometheus scrapes): live values, and reading them is not
     * an MQTT connection that would count itself.
     *
     * @return the value, or -1 when the node does not answer or does not export it
     */
    static long gauge(int httpPort, String metric) {
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://" + HOST + ":" + httpPort + "/metrics"))
                .timeout(java.time.Duration.ofSeconds(2)).build();
        try {
            String body = HTTP.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                    "(?m)^" + metric + "\\{[^}]*} ([0-9.E+-]+)$").matcher(body);
            return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Waits until the node's view holds every node ({@code fleetmq_cluster_members} on its {@code /metrics}). */
    private void awaitMembers(LocalClusterState.Node n, List<String> names, int seconds)
            throws IOException, InterruptedException, LocalClusterException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (gauge(n.httpPort(), "fleetmq_cluster_members") == names.size()) {
                return;
            }
            if (!alive(n.pid(), "java")) {
                throw new LocalClusterException(n.name() + " exited during start; its log " + n.log() + " ends:\n"
                        + tail(Files.readAllLines(n.log(), StandardCharsets.UTF_8)));
            }
            Thread.sleep(100);
        }
        throw new LocalClusterException(n.name() + " did not see all " + names.size() + " nodes within " + seconds
                + " s; its log " + n.log() + " ends:\n" + tail(Files.readAllLines(n.log(), StandardCharsets.UTF_8)));
    }

    private static String tail(List<String> lines) {
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    }

    private static void awaitPort(int port, int seconds) throws InterruptedException, LocalClusterException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(HOST, port), 500);
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new LocalClusterException("HAProxy does not accept connections on " + HOST + ":" + port);
    }

    private static void checkFree(int port, String what) throws LocalClusterException {
        if (port < 1 || port > 65_535) {
            throw new LocalClusterException("port " + port + " for " + what + " is out of range 1-65535");
        }
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(HOST, port));
        } catch (IOException e) {
            throw new LocalClusterException("port " + port + " for " + what + " is in use on " + HOST
                    + "; choose another with the option named");
        }
    }

    private static void stopAll(List<LocalClusterState.Node> nodes, long haproxyPid) throws InterruptedException {
        List<ProcessHandle> handles = new ArrayList<>();
        if (haproxyPid > 0 && alive(haproxyPid, "haproxy")) {
            ProcessHandle.of(haproxyPid).ifPresent(handles::add);
        }
        for (LocalClusterState.Node n : nodes) {
            if (alive(n.pid(), "java")) {
                ProcessHandle.of(n.pid()).ifPresent(handles::add);
            }
        }
        handles.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        for (ProcessHandle h : handles) {
            while (h.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            if (h.isAlive()) {
                h.destroyForcibly();
            }
        }
    }

    /** Alive and still the program we started (a recycled pid must not be signalled). */
    private static boolean alive(long pid, String program) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .map(h -> h.info().command().map(c -> c.contains(program)).orElse(true)).orElse(false);
    }

    private static boolean anyAlive(LocalClusterState s) {
        return alive(s.haproxyPid(), "haproxy") || s.nodes().stream().anyMatch(n -> alive(n.pid(), "java"));
    }

    static Optional<String> findHaproxy() {
        List<String> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(File.pathSeparator)) {
                candidates.add(d + "/haproxy");
            }
        }
        candidates.add("/usr/sbin/haproxy");
        return candidates.stream().filter(c -> new File(c).canExecute()).findFirst();
    }
}
