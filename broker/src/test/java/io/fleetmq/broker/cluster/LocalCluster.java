package io.fleetmq.broker.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** N broker processes on loopback that form one cluster through static seeds. */
public final class LocalCluster implements AutoCloseable {
    final List<NodeProcess> nodes = new ArrayList<>();
    private final List<String> seeds = new ArrayList<>();
    private final List<NodeProcess.Ports> ports = new ArrayList<>();
    private final Path dir;

    private LocalCluster(Path dir) {
        this.dir = dir;
    }

    public static LocalCluster start(int n, Path dir, String... extraSets) throws IOException, InterruptedException {
        LocalCluster c = new LocalCluster(dir);
        for (int i = 0; i < n; i++) {
            NodeProcess.Ports p = NodeProcess.Ports.free();
            c.ports.add(p);
            c.seeds.add(p.seed());
        }
        try {
            for (int i = 0; i < n; i++) {
                c.nodes.add(NodeProcess.start("node-" + (i + 1), c.ports.get(i), c.seeds, dir, extraSets));
            }
            List<String> names = c.nodes.stream().map(NodeProcess::name).toList();
            for (NodeProcess node : c.nodes) {
                node.awaitMembers(names, Duration.ofSeconds(30));
            }
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            c.close();
            throw e;
        }
        return c;
    }

    public NodeProcess node(int i) {
        return nodes.get(i);
    }

    /** Starts one more node that joins through the same seeds. */
    NodeProcess addNode(String... extraSets) throws IOException, InterruptedException {
        NodeProcess.Ports p = NodeProcess.Ports.free();
        List<String> s = new ArrayList<>(seeds);
        s.add(p.seed());
        NodeProcess n = NodeProcess.start("node-" + (nodes.size() + 1), p, s, dir, extraSets);
        nodes.add(n);
        return n;
    }

    @Override
    public void close() throws InterruptedException {
        for (NodeProcess n : nodes) {
            n.close();
        }
    }
}
