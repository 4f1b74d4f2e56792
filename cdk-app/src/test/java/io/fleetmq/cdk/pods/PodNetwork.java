package io.fleetmq.cdk.pods;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A pod network on this machine, as a cluster would give the broker pods: one network namespace per pod joined to a
 * host bridge by a veth pair, addresses from a /24 inside the environment's VPC range (so the bridge address, where
 * the NLB stand-in's connections come from, is a VPC address like the NLB's), and a real DNS server (dnsmasq) on the
 * bridge answering the headless Service's name with every pod's address, as CoreDNS does for
 * {@code publishNotReadyAddresses}. Everything made is recorded and removed by {@link #close()}, also after a failure.
 */
final class PodNetwork implements AutoCloseable {

    private final String id;
    private final String prefix;
    private final Path dir;
    private final Deque<List<String>> undo = new ArrayDeque<>();
    private final List<String> podIps = new ArrayList<>();
    private Process dnsmasq;

    /**
     * @param vpcCidr the environment's VPC range (a /16); the pods get {@code a.b.N.11..}, the bridge {@code a.b.N.1}
     */
    PodNetwork(String vpcCidr, Path dir) throws Exception {
        this.dir = Files.createDirectories(dir);
        // Short and unique per test JVM: interface names are at most 15 characters.
        this.id = Long.toString(ProcessHandle.current().pid() % 100_000, 36);
        String[] octets = vpcCidr.substring(0, vpcCidr.indexOf('/')).split("\\.");
        int third = 100 + (int) (ProcessHandle.current().pid() % 150);
        this.prefix = octets[0] + "." + octets[1] + "." + third + ".";
        String bridge = bridge();
        run("ip", "link", "add", bridge, "type", "bridge");
        undo.push(List.of("ip", "link", "del", bridge));
        run("ip", "addr", "add", bridgeIp() + "/24", "dev", bridge);
        run("ip", "link", "set", bridge, "up");
    }

    String bridge() {
        return "fmqbr" + id;
    }

    /** The host's address on the pod network: the NLB stand-in and the kubelet-like probes come from here. */
    String bridgeIp() {
        return prefix + "1";
    }

    String netns(int ordinal) {
        return "fmq-" + id + "-" + ordinal;
    }

    /** Adds pod {@code ordinal}'s namespace, veth pair and address; returns the pod IP. */
    String addPod(int ordinal) throws Exception {
        String ns = netns(ordinal);
        String ip = prefix + (11 + ordinal);
        String host = "fmqv" + id + "h" + ordinal;
        String peer = "fmqv" + id + "p" + ordinal;
        run("ip", "netns", "add", ns);
        undo.push(List.of("ip", "netns", "del", ns));
        run("ip", "link", "add", host, "type", "veth", "peer", "name", peer);
        undo.push(List.of("ip", "link", "del", host));
        run("ip", "link", "set", peer, "netns", ns);
        run("ip", "link", "set", host, "master", bridge(), "up");
        run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
        run("ip", "netns", "exec", ns, "ip", "link", "set", peer, "name", "eth0");
        run("ip", "netns", "exec", ns, "ip", "addr", "add", ip + "/24", "dev", "eth0");
        run("ip", "netns", "exec", ns, "ip", "link", "set", "eth0", "up");
        run("ip", "netns", "exec", ns, "ip", "route", "add", "default", "via", bridgeIp());
        podIps.add(ip);
        return ip;
    }

    /**
     * Starts dnsmasq on the bridge address, answering {@code serviceFqdn} with every pod's address and each pod's own
     * name ({@code pod.service...}) with its address; nothing else is resolved (no upstream).
     */
    void startDns(String serviceFqdn, List<String> podNames) throws Exception {
        StringBuilder hosts = new StringBuilder();
        for (int i = 0; i < podIps.size(); i++) {
            hosts.append(podIps.get(i)).append(' ').append(serviceFqdn).append('\n');
            hosts.append(podIps.get(i)).append(' ').append(podNames.get(i)).append('.').append(serviceFqdn).append('\n');
        }
        Path hostsFile = dir.resolve("dns-hosts");
        Files.writeString(hostsFile, hosts);
        Path log = dir.resolve("dnsmasq.log");
        dnsmasq = new ProcessBuilder("dnsmasq", "--keep-in-foreground", "--no-resolv", "--no-hosts", "--bind-interfaces",
                "--listen-address=" + bridgeIp(), "--except-interface=lo", "--port=53", "--addn-hosts=" + hostsFile,
                "--log-queries", "--log-facility=-", "--pid-file=" + dir.resolve("dnsmasq.pid"), "--user=root")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        // Ready once it has read the names (it binds before it logs that).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.readString(log).contains("read " + hostsFile)) {
            if (!dnsmasq.isAlive()) {
                throw new AssertionError("dnsmasq exited: " + Files.readString(log));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("dnsmasq did not start: " + Files.readString(log));
            }
            Thread.sleep(50);
        }
    }

    /** What dnsmasq logged: every query the pods made. */
    String dnsLog() throws IOException {
        return Files.readString(dir.resolve("dnsmasq.log"));
    }

    /** The resolv.conf a pod gets from the kubelet: the cluster DNS and the namespace's search path. */
    String resolvConf(String namespace) {
        return "nameserver " + bridgeIp() + "\nsearch " + namespace + ".svc.cluster.local svc.cluster.local "
                + "cluster.local\noptions ndots:5\n";
    }

    List<String> podIps() {
        return List.copyOf(podIps);
    }

    @Override
    public void close() {
        if (dnsmasq != null) {
            dnsmasq.destroy();
            try {
                if (!dnsmasq.waitFor(10, TimeUnit.SECONDS)) {
                    dnsmasq.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        while (!undo.isEmpty()) {
            List<String> cmd = undo.pop();
            try {
                new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start().waitFor(30, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                // Best effort: the remaining entries are still removed.
            }
        }
    }

    static void run(String... cmd) throws Exception {
        Sh.ok(30, cmd);
    }
}
