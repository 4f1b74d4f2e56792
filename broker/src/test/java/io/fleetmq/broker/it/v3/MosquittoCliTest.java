package io.fleetmq.broker.it.v3;

import io.fleetmq.broker.testing.BrokerExtension;
import io.fleetmq.broker.testing.RawMqttClient;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Interoperability with the Eclipse Mosquitto command line clients ({@code mosquitto_pub}, {@code mosquitto_sub}) in
 * MQTT 3.1.1 and 5.0: QoS 0/1/2, retained, will on a killed client, v5 user properties. The clients must be
 * installed (package {@code mosquitto-clients}); the test fails, never skips, when they are missing.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MosquittoCliTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    /** mosquitto_sub output format: qos|retain|topic|user-properties|payload (payload last: it may contain '|'). */
    private static final String FORMAT = "%q|%r|%t|%P|%p";

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.withDefaults();

    @BeforeAll
    static void requireClients() {
        for (String tool : List.of("mosquitto_pub", "mosquitto_sub")) {
            if (onPath(tool) == null) {
                fail(tool + " not found on PATH. Install the Mosquitto command line clients "
                        + "(Debian/Ubuntu: apt-get install -y mosquitto-clients; CI installs them) - this interop "
                        + "test is not skipped when they are missing.");
            }
        }
    }

    static Stream<String> versions() {
        return Stream.of("mqttv311", "mqttv5");
    }

    static Stream<Arguments> versionsAndQos() {
        return versions().flatMap(v -> Stream.of(0, 1, 2).map(q -> Arguments.of(v, q)));
    }

    @ParameterizedTest(name = "{0} QoS {1}")
    @MethodSource("versionsAndQos")
    void mosquittoPubToMosquittoSubAtEachQos(String version, int qos) throws Exception {
        String root = broker.uniqueTopic("cli/qos");
        try (Sub sub = Sub.start(root, version, List.of("-q", "2", "-t", root + "/#"))) {
            sub.awaitReady();
            pub(version, "-q", String.valueOf(qos), "-t", root + "/x", "-m", "cli-" + qos);
            Line l = sub.next(WAIT);
            assertThat(l.topic()).isEqualTo(root + "/x");
            assertThat(l.payload()).isEqualTo("cli-" + qos);
            assertThat(l.qos()).isEqualTo(qos);
            assertThat(l.retained()).isFalse();
            assertThat(sub.poll(Duration.ofMillis(400))).as("exactly one copy").isNull();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void retainedMessageFromMosquittoPubReachesALaterMosquittoSubAndCanBeCleared(String version) throws Exception {
        String t = broker.uniqueTopic("cli/retained");
        pub(version, "-r", "-q", "1", "-t", t, "-m", "kept");

        Result got = run(List.of("mosquitto_sub", "-h", broker.host(), "-p", String.valueOf(broker.port()),
                "-V", version, "-q", "1", "-t", t, "-C", "1", "-W", "5", "-F", FORMAT), Duration.ofSeconds(10));
        assertThat(got.stdout().trim()).as("stderr: %s", got.stderr()).isEqualTo("1|1|" + t + "||kept");

        pub(version, "-r", "-q", "1", "-t", t, "-n"); // zero-length retained message deletes it
        Result none = run(List.of("mosquitto_sub", "-h", broker.host(), "-p", String.valueOf(broker.port()),
                "-V", version, "-q", "1", "-t", t, "-C", "1", "-W", "1", "-F", FORMAT), Duration.ofSeconds(10));
        assertThat(none.stdout().trim()).as("no retained message after delete").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void willOfAKilledMosquittoSubIsPublished(String version) throws Exception {
        String root = broker.uniqueTopic("cli/will");
        String willTopic = root + "/status";
        try (RawMqttClient watcher = RawMqttClient.open(broker)) {
            watcher.connect(broker.uniqueId("cliw"), MqttVersion.MQTT_3_1_1, true, 60, null);
            watcher.subscribe(willTopic, MqttQoS.AT_LEAST_ONCE);
            try (Sub device = Sub.start(root, version, List.of("-q", "1", "-t", root + "/data/#",
                    "--will-topic", willTopic, "--will-payload", "offline", "--will-qos", "1"))) {
                device.awaitReady(root + "/data/probe");
                device.kill(); // SIGKILL: no DISCONNECT
            }
            MqttPublishMessage will = watcher.expect(MqttMessageType.PUBLISH, WAIT);
            assertThat(will.variableHeader().topicName()).isEqualTo(willTopic);
            assertThat(RawMqttClient.payloadAsString(will)).isEqualTo("offline");
            watcher.puback(will.variableHeader().packetId());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void willOfANormallyDisconnectingMosquittoClientIsNotPublished(String version) throws Exception {
        String t = broker.uniqueTopic("cli/nowill");
        try (RawMqttClient watcher = RawMqttClient.open(broker)) {
            watcher.connect(broker.uniqueId("cliw"), MqttVersion.MQTT_3_1_1, true, 60, null);
            watcher.subscribe(t + "/status", MqttQoS.AT_LEAST_ONCE);
            // mosquitto_sub -C 1 exits normally (DISCONNECT) after one message; the retained one ends it at once
            pub(version, "-r", "-q", "1", "-t", t + "/data", "-m", "x");
            Result r = run(List.of("mosquitto_sub", "-h", broker.host(), "-p", String.valueOf(broker.port()),
                    "-V", version, "-t", t + "/data", "-C", "1", "-W", "5",
                    "--will-topic", t + "/status", "--will-payload", "offline"), Duration.ofSeconds(10));
            assertThat(r.exitCode()).as("stderr: %s", r.stderr()).isZero();
            assertThat(watcher.receive(Duration.ofMillis(800))).as("no will after a normal DISCONNECT").isNull();
            pub(version, "-r", "-q", "1", "-t", t + "/data", "-n");
        }
    }

    @Test
    void v5UserPropertyFromMosquittoPubReachesV5Subscribers() throws Exception {
        String root = broker.uniqueTopic("cli/userprop");
        try (Sub sub = Sub.start(root, "mqttv5", List.of("-q", "1", "-t", root + "/#"))) {
            sub.awaitReady();
            pub("mqttv5", "-q", "1", "-t", root + "/x", "-m", "with-props",
                    "-D", "publish", "user-property", "fleet", "eu-west");
            Line l = sub.next(WAIT);
            assertThat(l.payload()).isEqualTo("with-props");
            assertThat(l.userProperties()).as("MQTT 5 user property forwarded unchanged").isEqualTo("fleet:eu-west");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mqttv311", "mqttv5"})
    void mosquittoSubReceivesFromMosquittoPubAcrossProtocolVersions(String subVersion) throws Exception {
        String root = broker.uniqueTopic("cli/cross");
        String pubVersion = subVersion.equals("mqttv5") ? "mqttv311" : "mqttv5";
        try (Sub sub = Sub.start(root, subVersion, List.of("-q", "2", "-t", root + "/#"))) {
            sub.awaitReady();
            pub(pubVersion, "-q", "2", "-t", root + "/x", "-m", "from-" + pubVersion);
            Line l = sub.next(WAIT);
            assertThat(l.payload()).isEqualTo("from-" + pubVersion);
            assertThat(l.qos()).isEqualTo(2);
        }
    }

    // ------------------------------------------------------------------ process helpers

    private record Line(int qos, boolean retained, String topic, String userProperties, String payload) {
        static Line parse(String s) {
            String[] f = s.split("\\|", 5);
            if (f.length < 5) {
                throw new AssertionError("unexpected mosquitto_sub output line: " + s);
            }
            return new Line(Integer.parseInt(f[0]), "1".equals(f[1]), f[2], f[3], f[4]);
        }
    }

    private record Result(int exitCode, String stdout, String stderr) {
    }

    private static void pub(String version, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("mosquitto_pub", "-h", broker.host(),
                "-p", String.valueOf(broker.port()), "-V", version));
        cmd.addAll(List.of(args));
        Result r = run(cmd, Duration.ofSeconds(10));
        assertThat(r.exitCode()).as("%s failed: %s", cmd, r.stderr()).isZero();
    }

    private static Result run(List<String> cmd, Duration timeout) throws Exception {
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        Thread to = pump(p.getInputStream(), out::append);
        Thread te = pump(p.getErrorStream(), err::append);
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            fail(cmd + " did not finish within " + timeout);
        }
        to.join(2_000);
        te.join(2_000);
        synchronized (out) {
            return new Result(p.exitValue(), out.toString(), err.toString());
        }
    }

    private static Thread pump(InputStream in, java.util.function.Consumer<String> lineSink) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lineSink.accept(line + "\n");
                }
            } catch (IOException ignored) {
                // process ended
            }
        }, "mosquitto-cli-pump");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, tool);
            if (f.isFile() && f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        return null;
    }

    /** A running mosquitto_sub whose output lines are queued; bounded by -W in case the test dies. */
    private static final class Sub implements AutoCloseable {
        private final Process process;
        private final String root;
        private final String version;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final StringBuffer stderr = new StringBuffer();

        private Sub(Process process, String root, String version) {
            this.process = process;
            this.root = root;
            this.version = version;
            pump(process.getInputStream(), s -> lines.add(s.stripTrailing()));
            pump(process.getErrorStream(), stderr::append);
        }

        static Sub start(String root, String version, List<String> args) throws IOException {
            List<String> cmd = new ArrayList<>(List.of("mosquitto_sub", "-h", broker.host(),
                    "-p", String.valueOf(broker.port()), "-V", version, "-W", "25", "-F", FORMAT));
            cmd.addAll(args);
            Process p = new ProcessBuilder(cmd).start();
            p.getOutputStream().close();
            return new Sub(p, root, version);
        }

        void awaitReady() throws Exception {
            awaitReady(root + "/probe");
        }

        /** Publishes QoS 0 probes to {@code probeTopic} (which the subscription must match) until one shows up. */
        void awaitReady(String probeTopic) throws Exception {
            try (RawMqttClient prober = RawMqttClient.open(broker)) {
                prober.connect(broker.uniqueId("prb"), MqttVersion.MQTT_3_1_1, true, 60, null);
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (System.nanoTime() < deadline) {
                    if (!process.isAlive()) {
                        fail("mosquitto_sub exited early: " + stderr);
                    }
                    prober.publish(probeTopic, "probe", MqttQoS.AT_MOST_ONCE, false);
                    String l = lines.poll(200, TimeUnit.MILLISECONDS);
                    if (l != null && Line.parse(l).topic().equals(probeTopic)) {
                        lines.removeIf(s -> s.contains("|" + probeTopic + "|"));
                        return;
                    }
                }
                fail("mosquitto_sub (" + version + ") never received a probe; stderr: " + stderr);
            }
        }

        Line poll(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                String l = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
                if (l == null) {
                    return null;
                }
                Line parsed = Line.parse(l);
                if (!parsed.topic().endsWith("/probe")) {
                    return parsed;
                }
            }
        }

        Line next(Duration timeout) throws InterruptedException {
            Line l = poll(timeout);
            if (l == null) {
                fail("mosquitto_sub received nothing within " + timeout + "; stderr: " + stderr);
            }
            return l;
        }

        /** SIGKILL (destroyForcibly on Linux): the socket is closed by the OS, no DISCONNECT is sent. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(3, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        }
    }
}
