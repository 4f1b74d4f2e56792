package io.fleetmq.broker.it.attacks;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.fleetmq.broker.cluster.ClusterCodec;
import io.fleetmq.broker.cluster.ClusterFrame;
import io.fleetmq.broker.cluster.ClusterNode;
import io.fleetmq.broker.cluster.ClusterSecret;
import io.fleetmq.broker.cluster.JGroupsStack;
import io.fleetmq.broker.config.BrokerConfig;
import io.fleetmq.broker.config.ClusterConfig;
import io.fleetmq.broker.testing.TestBroker;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.stack.IpAddress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * Two real broker nodes in this JVM that form a cluster on loopback with a shared secret, as production runs, plus
 * the means to play a hostile peer against them: a JGroups channel built by the brokers' own {@link JGroupsStack}
 * with no secret, a wrong one or the right one, which records everything it receives and can send crafted FleetMQ
 * frames to a node's JGroups address.
 */
final class SecuredTwoNodeCluster implements AutoCloseable {
    static final String NAME = "attacks";
    final Path secretFile;
    final List<Integer> clusterPorts = new ArrayList<>();
    final List<TestBroker> nodes = new ArrayList<>();
    private final List<JChannel> channels = new ArrayList<>();

    private SecuredTwoNodeCluster(Path secretFile) {
        this.secretFile = secretFile;
    }

    static SecuredTwoNodeCluster start(Path dir, Duration takeoverTimeout) throws Exception {
        return startWith(writeSecret(dir.resolve("cluster.secret")), takeoverTimeout);
    }

    /** The same two nodes without a secret (allowed on loopback only): what the attacks would achieve without it. */
    static SecuredTwoNodeCluster startWithoutSecret() throws Exception {
        return startWith(null, Duration.ofSeconds(3));
    }

    private static SecuredTwoNodeCluster startWith(Path secretFile, Duration takeoverTimeout) throws Exception {
        SecuredTwoNodeCluster c = new SecuredTwoNodeCluster(secretFile);
        c.clusterPorts.add(freePort());
        c.clusterPorts.add(freePort());
        try {
            for (int i = 0; i < 2; i++) {
                ClusterConfig cluster = c.config(c.clusterPorts.get(i),
                        secretFile == null ? "" : secretFile.toString(), takeoverTimeout);
                String name = "node-" + (i + 1);
                c.nodes.add(TestBroker.start(b -> named(b, name).withCluster(cluster)));
            }
            for (TestBroker n : c.nodes) {
                await(() -> n.broker().cluster().members().size() == 2, Duration.ofSeconds(30),
                        "both nodes in one view");
            }
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
        return c;
    }

    private static BrokerConfig named(BrokerConfig b, String name) {
        return new BrokerConfig(name, b.listeners(), b.tls(), b.mqtt(), b.sessions(), b.auth(), b.limits(), b.sys(),
                b.shutdown(), b.transport(), b.cluster(), b.http(), b.log(), b.source());
    }

    ClusterNode cluster(int i) {
        return nodes.get(i).broker().cluster();
    }

    ClusterConfig config(int port, String secretFile, Duration takeoverTimeout) {
        List<String> seeds = clusterPorts.stream().map(p -> "127.0.0.1:" + p).toList();
        return new ClusterConfig(true, NAME, "127.0.0.1", port, seeds, "", Duration.ofSeconds(10), takeoverTimeout,
                500, Duration.ofSeconds(60), secretFile);
    }

    /** A random secret in the form operators make one: {@code openssl rand -base64 48 > file}. */
    static Path writeSecret(Path file) throws IOException {
        byte[] random = new byte[48];
        new SecureRandom().nextBytes(random);
        Files.writeString(file, Base64.getEncoder().encodeToString(random) + "\n", StandardCharsets.US_ASCII);
        return file;
    }

    /** A peer as an attacker builds it: the brokers' stack, {@code secretFile} null for no encryption at all. */
    Peer peer(String name, Path secretFile) throws Exception {
        ClusterConfig config = config(freePort(), secretFile == null ? "" : secretFile.toString(),
                Duration.ofSeconds(3));
        JChannel ch = JGroupsStack.create(config, secretFile == null ? null : ClusterSecret.read(secretFile, NAME));
        channels.add(ch);
        ch.name(name);
        Peer peer = new Peer(ch);
        ch.setReceiver(peer);
        ch.connect(NAME);
        return peer;
    }

    /** A hostile JGroups member or would-be member; records every message delivered to it. */
    final class Peer implements Receiver {
        final JChannel channel;
        final List<Message> received = new CopyOnWriteArrayList<>();

        Peer(JChannel channel) {
            this.channel = channel;
        }

        @Override
        public void receive(Message msg) {
            received.add(msg);
        }

        /** FleetMQ frames in what this peer received (bytes that do not decode count as none). */
        List<ClusterFrame> frames() {
            List<ClusterFrame> out = new ArrayList<>();
            for (Message m : received) {
                try {
                    ClusterCodec.decode(m.getArray(), m.getOffset(), m.getLength(), System.nanoTime(), out::add);
                } catch (ClusterCodec.UnreadableBatchException e) {
                    // not a FleetMQ batch
                }
            }
            return out;
        }

        /**
         * Sends a batch of frames straight to node {@code i}'s JGroups address, whether or not this peer is in its
         * view (the address and port are what an observer of the network learns).
         */
        void sendTo(int i, ClusterFrame... frames) throws Exception {
            Address dest = cluster(i).address();
            channel.getProtocolStack().getTransport()
                    .addPhysicalAddressToCache(dest, new IpAddress("127.0.0.1", clusterPorts.get(i)));
            ClusterCodec.BatchWriter batch = new ClusterCodec.BatchWriter(System.nanoTime());
            for (ClusterFrame f : frames) {
                batch.add(f);
            }
            channel.send(new BytesMessage(dest, batch.toByteArray()));
        }
    }

    static Mqtt5BlockingClient client(TestBroker node, String id) {
        Mqtt5BlockingClient c = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(node.port())
                .buildBlocking();
        c.connect();
        return c;
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what);
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        for (JChannel ch : channels) {
            ch.close();
        }
        for (TestBroker n : nodes) {
            n.close();
        }
    }
}
