package io.fleetmq.broker.cli;

import io.fleetmq.broker.cluster.local.LocalClusterManager;
import io.fleetmq.broker.cluster.local.LocalClusterManager.LocalClusterException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code fleetmq cluster up|status|down}: the deployed topology on one machine (N nodes on loopback behind HAProxy
 * on one endpoint). Exit codes: 0 done, 1 failure (port in use, HAProxy missing, a node down), 2 bad input.
 */
@Command(name = "cluster",
        mixinStandardHelpOptions = true,
        versionProvider = FleetMqVersion.class,
        description = "Run a local FleetMQ cluster: N broker nodes behind HAProxy on one MQTT endpoint.",
        subcommands = {ClusterCommand.Up.class, ClusterCommand.Status.class, ClusterCommand.Down.class})
public final class ClusterCommand implements Callable<Integer> {

    @ParentCommand
    FleetMqCli parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "Where the cluster's logs and state live (default: .fleetmq/cluster under FLEETMQ_HOME, "
                    + "else the current directory).")
    Path dir;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return FleetMqCli.BAD_INPUT;
    }

    Path dir() {
        if (dir != null) {
            return dir;
        }
        String home = parent.env().get("FLEETMQ_HOME");
        return Path.of(home == null ? "." : home, ".fleetmq", "cluster");
    }

    int run(CommandSpec sub, ManagerAction action) {
        LocalClusterManager manager = new LocalClusterManager(dir(), sub.commandLine().getOut());
        try {
            return action.run(manager) ? FleetMqCli.OK : FleetMqCli.FAILURE;
        } catch (LocalClusterException | IOException e) {
            sub.commandLine().getErr().println("fleetmq cluster: " + e.getMessage());
            sub.commandLine().getErr().flush();
            return FleetMqCli.FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return FleetMqCli.FAILURE;
        }
    }

    interface ManagerAction {
        boolean run(LocalClusterManager m) throws IOException, InterruptedException, LocalClusterException;
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = "Start N nodes on loopback and HAProxy in front of them; returns once all are ready.")
    static final class Up implements Callable<Integer> {
        @ParentCommand
        ClusterCommand cluster;
        @Spec
        CommandSpec spec;

        @Option(names = "--nodes", defaultValue = "3", description = "Number of broker nodes (1-9, default 3).")
        int nodes;
        @Option(names = "--port", defaultValue = "1883", description = "The single MQTT endpoint (default 1883).")
        int port;
        @Option(names = "--node-base-port", defaultValue = "21883",
                description = "MQTT port of node-1; node-N gets base + N - 1 (default 21883).")
        int nodeBasePort;
        @Option(names = "--cluster-base-port", defaultValue = "7800",
                description = "Node-to-node port of node-1; node-N gets base + N - 1 (default 7800).")
        int clusterBasePort;
        @Option(names = "--http-base-port", defaultValue = "28080",
                description = "HTTP port (/metrics, /readyz) of node-1; node-N gets base + N - 1 (default 28080).")
        int httpBasePort;
        @Option(names = "--proxy-protocol", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "HAProxy sends PROXY protocol v2 and nodes require it, like the AWS NLB (default). "
                        + "--no-proxy-protocol lets clients also connect to the nodes directly, e.g. a benchmark "
                        + "with more connections than one HAProxy process can hold (two files each, 20,000 here).")
        boolean proxyProtocol;
        @Option(names = "--config", paramLabel = "FILE",
                description = "Broker configuration for every node (node name and ports are set per node).")
        Path config;

        @Override
        public Integer call() {
            if (nodes < 1 || nodes > 9) {
                spec.commandLine().getErr().println("fleetmq cluster up: --nodes must be between 1 and 9, got "
                        + nodes);
                return FleetMqCli.BAD_INPUT;
            }
            return cluster.run(spec, m -> {
                m.up(new LocalClusterManager.Spec(nodes, port, nodeBasePort, clusterBasePort, httpBasePort,
                        proxyProtocol, config, List.of("-Xmx512m")));
                return true;
            });
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show the nodes, their connections and cluster members; exit 1 if any part is down.")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        ClusterCommand cluster;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            return cluster.run(spec, LocalClusterManager::status);
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true,
            description = "Stop HAProxy and every node (SIGTERM; nodes drain first).")
    static final class Down implements Callable<Integer> {
        @ParentCommand
        ClusterCommand cluster;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            return cluster.run(spec, m -> {
                m.down();
                return true;
            });
        }
    }
}
