package io.fleetmq.broker.cluster.local;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * What {@code fleetmq cluster up} started, so {@code status} and {@code down} find it again: one properties file in
 * the cluster directory, written atomically (temp file, then rename).
 */
record LocalClusterState(String endpointHost, int endpointPort, long haproxyPid, boolean proxyProtocol,
                         List<Node> nodes) {

    static final String FILE = "cluster.properties";

    record Node(String name, long pid, int mqttPort, int clusterPort, int httpPort, Path log) {
    }

    void write(Path dir) throws IOException {
        Properties p = new Properties();
        p.setProperty("endpoint.host", endpointHost);
        p.setProperty("endpoint.port", Integer.toString(endpointPort));
        p.setProperty("haproxy.pid", Long.toString(haproxyPid));
        p.setProperty("proxyProtocol", Boolean.toString(proxyProtocol));
        p.setProperty("nodes", Integer.toString(nodes.size()));
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            String k = "node." + (i + 1) + ".";
            p.setProperty(k + "name", n.name());
            p.setProperty(k + "pid", Long.toString(n.pid()));
            p.setProperty(k + "mqttPort", Integer.toString(n.mqttPort()));
            p.setProperty(k + "clusterPort", Integer.toString(n.clusterPort()));
            p.setProperty(k + "httpPort", Integer.toString(n.httpPort()));
            p.setProperty(k + "log", n.log().toString());
        }
        Path tmp = dir.resolve(FILE + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, "written by fleetmq cluster up; removed by fleetmq cluster down");
        }
        Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The state in {@code dir}, or null when no cluster was started there. */
    static LocalClusterState read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return null;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        try {
            int n = Integer.parseInt(p.getProperty("nodes"));
            List<Node> nodes = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                String k = "node." + i + ".";
                nodes.add(new Node(p.getProperty(k + "name"), Long.parseLong(p.getProperty(k + "pid")),
                        Integer.parseInt(p.getProperty(k + "mqttPort")),
                        Integer.parseInt(p.getProperty(k + "clusterPort")),
                        Integer.parseInt(p.getProperty(k + "httpPort")), Path.of(p.getProperty(k + "log"))));
            }
            return new LocalClusterState(p.getProperty("endpoint.host"),
                    Integer.parseInt(p.getProperty("endpoint.port")), Long.parseLong(p.getProperty("haproxy.pid")),
                    Boolean.parseBoolean(p.getProperty("proxyProtocol", "true")), nodes);
        } catch (RuntimeException e) {
            throw new IOException(file + ": not a cluster state file written by 'fleetmq cluster up' (" + e + ")");
        }
    }

    static void delete(Path dir) throws IOException {
        Files.deleteIfExists(dir.resolve(FILE));
    }
}
