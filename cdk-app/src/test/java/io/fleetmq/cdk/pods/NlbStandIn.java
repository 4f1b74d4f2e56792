package io.fleetmq.cdk.pods;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * HAProxy doing what the AWS Load Balancer Controller makes the NLB do, read from the synthesized LoadBalancer
 * Service: a TCP listener for each Service port (and no other), the pods' IPs as targets on the target port, TLS
 * passed through, a PROXY v2 header on every connection ({@code proxy-protocol: *}), and the health check of the
 * annotations (protocol, port, path, interval, thresholds). Deregistering a target stops new connections to it and
 * keeps the open ones, like the NLB's deregistration with connection termination off.
 */
final class NlbStandIn implements AutoCloseable {

    private static final String ANNOTATION = "service.beta.kubernetes.io/aws-load-balancer-";

    private final Path dir;
    private final Map<Integer, Integer> listeners = new LinkedHashMap<>();
    private final Process haproxy;

    NlbStandIn(Service nlb, List<String> podIps, Path dir) throws Exception {
        this.dir = Files.createDirectories(dir);
        Map<String, String> a = nlb.getMetadata().getAnnotations();
        if (!"*".equals(a.get(ANNOTATION + "proxy-protocol"))) {
            throw new AssertionError("the NLB Service does not ask for PROXY protocol v2 on its targets");
        }
        if (!"http".equals(a.get(ANNOTATION + "healthcheck-protocol"))) {
            throw new AssertionError("health check protocol not modelled here: " + a.get(ANNOTATION + "healthcheck-protocol"));
        }
        String check = "    option httpchk GET " + a.get(ANNOTATION + "healthcheck-path") + "\n"
                + "    http-check expect status 200\n";
        String serverOptions = " send-proxy-v2 check port " + a.get(ANNOTATION + "healthcheck-port")
                + " inter " + a.get(ANNOTATION + "healthcheck-interval") + "s"
                + " rise " + a.get(ANNOTATION + "healthcheck-healthy-threshold")
                + " fall " + a.get(ANNOTATION + "healthcheck-unhealthy-threshold");
        StringBuilder cfg = new StringBuilder("""
                global
                    stats socket %s mode 600 level admin
                defaults
                    mode tcp
                    timeout connect 5s
                    timeout client 10m
                    timeout server 10m
                """.formatted(dir.resolve("admin.sock")));
        for (ServicePort port : nlb.getSpec().getPorts()) {
            if (!"TCP".equals(port.getProtocol())) {
                throw new AssertionError("NLB listener protocol not modelled here: " + port);
            }
            int local = freePort();
            listeners.put(port.getPort(), local);
            cfg.append("frontend ").append(port.getName()).append('\n')
                    .append("    bind 127.0.0.1:").append(local).append('\n')
                    .append("    default_backend ").append(port.getName()).append("-targets\n")
                    .append("backend ").append(port.getName()).append("-targets\n")
                    .append("    balance roundrobin\n").append(check);
            for (int i = 0; i < podIps.size(); i++) {
                cfg.append("    server pod").append(i).append(' ').append(podIps.get(i)).append(':')
                        .append(port.getTargetPort().getIntVal()).append(serverOptions).append('\n');
            }
        }
        Path file = dir.resolve("haproxy.cfg");
        Files.writeString(file, cfg);
        haproxy = new ProcessBuilder("haproxy", "-db", "-f", file.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(dir.resolve("admin.sock"))) {
            if (!haproxy.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("haproxy did not start: " + Files.readString(dir.resolve("haproxy.log")));
            }
            Thread.sleep(50);
        }
    }

    /** The local port standing for the NLB's listener {@code servicePort}; empty if the NLB has no such listener. */
    java.util.OptionalInt port(int servicePort) {
        Integer p = listeners.get(servicePort);
        return p == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(p);
    }

    java.util.Set<Integer> servicePorts() {
        return listeners.keySet();
    }

    /** Health of each target of the backend of {@code portName}, as the NLB's target group shows it (UP, DOWN...). */
    Map<String, String> targetHealth(String portName) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        String[] lines = admin("show stat").split("\n");
        List<String> header = List.of(lines[0].replaceFirst("^# ", "").split(","));
        int px = header.indexOf("pxname");
        int sv = header.indexOf("svname");
        int status = header.indexOf("status");
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(",", -1);
            if (f.length > status && f[px].equals(portName + "-targets") && f[sv].startsWith("pod")) {
                out.put(f[sv], f[status]);
            }
        }
        return out;
    }

    /** Deregisters pod {@code ordinal}: no new connections, open ones kept (the pod's deletion starts with this). */
    void deregister(int ordinal) throws IOException {
        String stat = admin("show stat");
        for (String line : stat.split("\n")) {
            String[] f = line.split(",", -1);
            if (f.length > 1 && f[0].endsWith("-targets") && f[1].equals("pod" + ordinal)) {
                admin("set server " + f[0] + "/pod" + ordinal + " state drain");
            }
        }
    }

    String log() throws IOException {
        return Files.readString(dir.resolve("haproxy.log"));
    }

    private String admin(String command) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(dir.resolve("admin.sock")));
            ch.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8)));
            StringBuilder sb = new StringBuilder();
            ByteBuffer buf = ByteBuffer.allocate(8192);
            while (ch.read(buf) > 0) {
                buf.flip();
                sb.append(StandardCharsets.UTF_8.decode(buf));
                buf.clear();
            }
            return sb.toString();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        haproxy.destroy();
        try {
            if (!haproxy.waitFor(10, TimeUnit.SECONDS)) {
                haproxy.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
