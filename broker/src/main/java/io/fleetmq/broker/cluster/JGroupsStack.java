package io.fleetmq.broker.cluster;

import io.fleetmq.broker.config.ClusterConfig;
import org.jgroups.JChannel;
import org.jgroups.protocols.AUTH;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.FRAG4;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.MFC;
import org.jgroups.protocols.SERIALIZE;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UFC;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.dns.DNS_PING;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.stack.Protocol;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The JGroups protocol stack of a node, built in code from {@link ClusterConfig} so there is no XML to keep in step:
 * TCP transport; discovery by static seeds (TCPPING) or DNS A records (DNS_PING, for a Kubernetes headless
 * Service); MERGE3 to heal partitions; FD_SOCK2 (a killed process is noticed at once) plus FD_ALL3 heartbeats
 * (a hung or unreachable node is dropped after {@code nodeLossTimeout}); reliable ordered delivery (NAKACK2,
 * UNICAST3) and credit-based flow control (UFC/MFC), which is what blocks a sender when a receiver falls behind.
 * <p>
 * With a {@link ClusterSecret}, the trust boundary sits directly on the transport: {@code SERIALIZE} turns every
 * message (headers, source and destination included) into a payload and {@link AeadSymEncrypt} seals it with
 * AES-256-GCM, so discovery, failure detection, membership and FleetMQ's own frames are all encrypted and
 * authenticated, and anything not sealed with the cluster's key is dropped before any protocol reads it. AUTH (just
 * below GMS) additionally makes the coordinator check a join proof ({@link SecretProofToken}) on every JOIN and MERGE.
 * Outside the seal are only TCP's connection preamble (a JGroups address), which a stranger can send but which
 * admits nothing, and FD_SOCK2's own liveness port ({@code port} + 100).
 */
public final class JGroupsStack {
    private JGroupsStack() {
    }

    /**
     * @param secret the cluster's secret, or null for a plaintext cluster (allowed on loopback only; see
     *               {@link ClusterSecret#forConfig})
     */
    public static JChannel create(ClusterConfig config, ClusterSecret secret) throws Exception {
        InetAddress bind = InetAddress.getByName(config.bind());
        List<Protocol> stack = new ArrayList<>();
        // Non-blocking sends: each connection gets its own send queue and thread, so a peer that stops reading
        // fills only its own queue (JGroups retransmits what overflowed) instead of blocking the one bundler thread
        // that sends to every peer. PeerSender does the same one level up.
        TCP tcp = new TCP().nonBlockingSends(true);
        stack.add(tcp.setBindAddress(bind).setBindPort(config.port()).setPortRange(0));
        if (secret != null) {
            stack.add(new AeadSymEncrypt(secret.encryptionKey()));
            stack.add(new SERIALIZE());
        }
        if (!config.dnsQuery().isEmpty()) {
            // DNS_PING probes every address the name resolves to on the transport port.
            stack.add(new DNS_PING().setDNSQuery(config.dnsQuery()));
        } else {
            List<InetSocketAddress> seeds = new ArrayList<>();
            for (String seed : config.seeds()) {
                int colon = seed.lastIndexOf(':');
                String host = seed.substring(0, colon).replace("[", "").replace("]", "");
                seeds.add(new InetSocketAddress(host, Integer.parseInt(seed.substring(colon + 1))));
            }
            if (seeds.isEmpty()) {
                seeds.add(new InetSocketAddress(bind, config.port()));
            }
            stack.add(new TCPPING().initialHosts(seeds).setPortRange(0));
        }
        long lossMillis = config.nodeLossTimeout().toMillis();
        stack.add(new MERGE3().setMinInterval(1000).setMaxInterval(3000));
        stack.add(new FD_SOCK2().setBindAddress(bind)); // not *: only the cluster interface
        // Heartbeats every quarter of the timeout; VERIFY_SUSPECT2 double-checks a suspect before it is excluded.
        stack.add(new FD_ALL3().setTimeout(Math.max(1000, lossMillis - 1000)).setInterval(Math.max(250, lossMillis / 4)));
        stack.add(new VERIFY_SUSPECT2().setTimeout(Math.min(1000, lossMillis / 4)));
        stack.add(new NAKACK2());
        stack.add(new UNICAST3());
        stack.add(new STABLE());
        if (secret != null) {
            stack.add(new AUTH().setAuthToken(new SecretProofToken(secret.joinProof())));
        }
        stack.add(new GMS().setJoinTimeout(1000).setLeaveTimeout(1000));
        stack.add(new UFC());
        stack.add(new MFC());
        stack.add(new FRAG4());
        return new JChannel(stack);
    }
}
