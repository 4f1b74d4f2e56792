package io.fleetmq.broker.config;

import java.time.Duration;
import java.util.List;

/**
 * Clustering ({@code cluster.*}): several nodes behind one load-balanced endpoint, sharing routes, retained messages
 * and sessions. Membership runs on JGroups (see docs/architecture.md, "Cluster").
 *
 * @param enabled          whether this node joins a cluster at all
 * @param name             cluster name; nodes with another name never join this one
 * @param bind             address the node-to-node TCP transport binds to and advertises
 * @param port             node-to-node TCP port
 * @param seeds            static discovery: {@code host:port} of some members (may include this node)
 * @param dnsQuery         DNS discovery instead of seeds: an A-record name such as a Kubernetes headless Service
 * @param nodeLossTimeout  how long a silent node stays a member before its routes are dropped
 * @param takeoverTimeout  how long a CONNECT waits for other nodes to hand over the client's session
 * @param drainRate        clients per second told to move to another node while this node drains
 * @param drainTimeout     upper bound for a whole drain (disconnect everyone, hand over sessions) on SIGTERM
 * @param secretFile       file with the cluster's shared secret (empty for none: only allowed on a loopback bind);
 *                         node-to-node traffic is authenticated and encrypted with keys derived from it
 */
public record ClusterConfig(boolean enabled, String name, String bind, int port, List<String> seeds,
                            String dnsQuery, Duration nodeLossTimeout, Duration takeoverTimeout, int drainRate,
                            Duration drainTimeout, String secretFile) {

    public ClusterConfig {
        seeds = List.copyOf(seeds);
    }

    public static ClusterConfig defaults() {
        return new ClusterConfig(false, "fleetmq", "127.0.0.1", 7800, List.of(), "", Duration.ofSeconds(10),
                Duration.ofSeconds(3), 500, Duration.ofSeconds(60), "");
    }

    public ClusterConfig withSeeds(String bindAddress, int bindPort, List<String> seedList) {
        return new ClusterConfig(true, name, bindAddress, bindPort, seedList, dnsQuery, nodeLossTimeout,
                takeoverTimeout, drainRate, drainTimeout, secretFile);
    }
}
