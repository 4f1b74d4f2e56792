package io.fleetmq.broker.jmh;

import io.fleetmq.broker.auth.Principal;
import io.fleetmq.broker.auth.Security;
import io.fleetmq.broker.config.AuthConfig;
import io.fleetmq.broker.config.SessionsConfig;
import io.fleetmq.broker.message.PublishMessage;
import io.fleetmq.broker.message.PublishProperties;
import io.fleetmq.broker.metrics.BrokerStats;
import io.fleetmq.broker.protocol.CachedReadPermission;
import io.fleetmq.broker.session.ClientConnection;
import io.fleetmq.broker.session.OutboundMessage;
import io.fleetmq.broker.session.ReadPermission;
import io.fleetmq.broker.session.Session;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What checking read access at every delivery costs: {@link Session#deliver} of a QoS 0 message to a connected
 * session (the send itself a no-op) without an ACL ({@link ReadPermission#ALL}) and with a production-shaped ACL
 * file through {@link CachedReadPermission}, checked per topic (a message whose matching filter is not known) and
 * per matched filter (as routing delivers, {@code devices/#}); and the ACL decision alone, uncached ({@link Security#mayRead}) and
 * cached. {@code topics} is how many distinct topics the subscriber receives: 512 stay in the cache (1,024 entries),
 * 65,536 keep missing it (the worst case: every delivery is an ACL evaluation plus a cache insert).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ReadPermissionBenchmark {
    private static final String ACL = """
            deny  publish   addr   192.0.2.0/24 devices/+/firmware
            allow all       client *            devices/%c/#
            allow subscribe user   ops          devices/#
            allow publish   user   ops          devices/+/cmd
            allow subscribe any                 fleet/announcements
            allow subscribe user   billing      sites/+/meters/#
            allow subscribe user   maintenance  sites/+/alarms/#
            """;

    @Param({"512", "65536"})
    int topics;

    private Path dir;
    private Security security;
    private Principal ops;
    private String[] topicNames;
    private OutboundMessage[] messages;
    /** The same messages as routing hands them over: with the filter of the subscription they matched. */
    private OutboundMessage[] matched;
    private int next;
    private ReadPermission cached;
    private Session open;
    private Session checked;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        dir = Files.createTempDirectory("fleetmq-jmh-acl");
        Path acl = dir.resolve("acl");
        Files.writeString(acl, ACL);
        security = Security.create(new AuthConfig(false).withAclFile(acl.toString(), List.of("ops")), System::nanoTime);
        ops = new Principal("ops", "ops-console", null, false, null, "10.0.0.1");
        topicNames = new String[topics];
        messages = new OutboundMessage[topics];
        matched = new OutboundMessage[topics];
        byte[] payload = "21.5".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < topics; i++) {
            topicNames[i] = "devices/truck-" + i + "/temp";
            messages[i] = new OutboundMessage(new PublishMessage(topicNames[i], 0, false, payload,
                    PublishProperties.NONE, "truck-" + i, System.nanoTime()), List.of(), null);
            matched[i] = new OutboundMessage(messages[i].message(), List.of(), null, List.of("devices/#"));
        }
        cached = CachedReadPermission.of(security, ops);
        SessionsConfig limits = new SessionsConfig(3600, 100, 1000, false);
        BrokerStats stats = new BrokerStats();
        open = new Session("ops-open", limits, stats, System::nanoTime);
        open.attach(NO_OP);
        checked = new Session("ops-console", limits, stats, System::nanoTime);
        checked.readPermission(CachedReadPermission.of(security, ops));
        checked.attach(NO_OP);
        for (String t : topicNames) {
            if (!security.mayRead(ops, t)) {
                throw new IllegalStateException("setup: ops should read " + t);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        security.close();
        Files.deleteIfExists(dir.resolve("acl"));
        Files.deleteIfExists(dir);
    }

    private int nextIndex() {
        int i = next;
        next = i + 1 == topics ? 0 : i + 1;
        return i;
    }

    @Benchmark
    public void deliverWithoutAcl() {
        open.deliver(messages[nextIndex()]);
    }

    @Benchmark
    public void deliverWithAclCheck() {
        checked.deliver(messages[nextIndex()]);
    }

    @Benchmark
    public void deliverWithAclCheckMatchedFilter() {
        checked.deliver(matched[nextIndex()]);
    }

    @Benchmark
    public boolean aclDecisionUncached() {
        return security.mayRead(ops, topicNames[nextIndex()]);
    }

    @Benchmark
    public boolean aclDecisionCached() {
        return cached.mayRead(topicNames[nextIndex()]);
    }

    /** A connection whose sends cost nothing, so the benchmark measures the session's own work. */
    private static final ClientConnection NO_OP = new ClientConnection() {
        @Override
        public boolean sendPublish(OutboundMessage message, int packetId, boolean dup) {
            Blackhole.consumeCPU(0);
            return true;
        }

        @Override
        public void sendPubrel(int packetId) {
        }

        @Override
        public void closeForTakeover() {
        }

        @Override
        public int receiveMaximum() {
            return 65_535;
        }

        @Override
        public String remoteAddress() {
            return "10.0.0.1";
        }
    };
}
