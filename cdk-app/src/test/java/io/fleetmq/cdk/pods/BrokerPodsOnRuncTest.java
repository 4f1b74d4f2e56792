package io.fleetmq.cdk.pods;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fleetmq.broker.config.ConfigSchema;
import io.fleetmq.cdk.broker.BrokerWorkload;
import io.fleetmq.cdk.contract.BrokerContract;
import io.fleetmq.cdk.support.Manifests;
import io.fleetmq.cdk.support.Synth;
import io.fleetmq.image.cli.CliContext;
import io.fleetmq.image.cli.ImageCli;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import picocli.CommandLine;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The broker pods as the CDK app synthesizes them, run for real on this machine: the dev environment is synthesized,
 * the StatefulSet's pod template, the NLB Service and the headless Service are read from the CloudFormation
 * template, the image is built from image-builder/manifests/broker.yaml (the rootfs and jlink caches in
 * ~/.cache/fleetmq are shared with the image tests), and three replicas run under runc with exactly that pod spec
 * ({@link RuncPod}), each in its own network namespace, finding each other through the headless Service's name
 * answered by dnsmasq ({@link PodNetwork}), behind HAProxy doing the NLB's job ({@link NlbStandIn}). Devices are
 * Paho v5 clients with certificates from a test PKI, whose material reaches the pods the way External Secrets
 * delivers it: as the Secrets the pod spec mounts.
 * <p>
 * Needs root (network namespaces, runc), as CI runs: .ci/run installs the Debian packages (runc, skopeo, umoci,
 * iproute2, dnsmasq-base, haproxy, debootstrap). Everything made is removed in {@link #tearDown()}, also after a
 * failure. The SIGTERM test runs last: it takes a pod away.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrokerPodsOnRuncTest {

    private static final String ENV = "dev";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static Path work;
    private static Synth synth;
    private static PodSpec podSpec;
    private static Service nlbService;
    private static PodNetwork network;
    private static final List<RuncPod> pods = new ArrayList<>();
    private static NlbStandIn nlb;
    private static DevicePki pki;
    private static Path imageConfig;
    private static Path rootfs;
    private static Map<String, Map<String, String>> secrets;

    @BeforeAll
    static void runThePods() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "not root: network namespaces, veth pairs and runc need root (CI runs .ci/run as root)");
        for (String tool : List.of("runc", "skopeo", "umoci", "ip", "dnsmasq", "haproxy", "openssl", "debootstrap")) {
            Assumptions.assumeTrue(Sh.onPath(tool), tool + " is not installed (see .ci/run's apt-get line)");
        }
        Assumptions.assumeTrue(Files.isDirectory(Path.of(System.getProperty("java.home"), "jmods")),
                "the JDK running the tests has no jmods for the image's jlink runtime");
        work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "pods-");
        try {
            setUp();
        } catch (Throwable t) {
            tearDown();
            throw t;
        }
    }

    private static void setUp() throws Exception {
        synth = Synth.withDigest(ENV);
        List<HasMetadata> objects = Manifests.typed(synth.template(synth.stacks.broker()));
        StatefulSet sts = Manifests.one(objects, StatefulSet.class, BrokerWorkload.STATEFUL_SET);
        podSpec = sts.getSpec().getTemplate().getSpec();
        nlbService = Manifests.one(objects, Service.class, BrokerWorkload.NLB_SERVICE);
        Service headless = Manifests.one(objects, Service.class, BrokerWorkload.DISCOVERY_SERVICE);
        String serviceFqdn = headless.getMetadata().getName() + "." + headless.getMetadata().getNamespace()
                + ".svc.cluster.local";


        Path tar = buildImage();
        Path oci = work.resolve("oci");
        Path bundle = work.resolve("image");
        Sh.ok(300, "skopeo", "copy", "--quiet", "docker-archive:" + tar, "oci:" + oci + ":broker");
        Sh.ok(300, "umoci", "unpack", "--image", oci + ":broker", bundle.toString());
        imageConfig = bundle.resolve("config.json");
        rootfs = bundle.resolve("rootfs");

        pki = new DevicePki(work.resolve("pki"));
        SecureRandom random = new SecureRandom();
        secrets = Map.of(
                BrokerWorkload.TLS_SECRET, Map.of("tls.crt", pki.read("broker.crt"), "tls.key", pki.brokerKeyPkcs8(),
                        "ca.crt", pki.read("ca.crt")),
                BrokerWorkload.ADMIN_TOKEN_SECRET, Map.of(BrokerWorkload.ADMIN_TOKEN_KEY, token(random, 24)),
                BrokerWorkload.CLUSTER_SECRET, Map.of(BrokerWorkload.CLUSTER_SECRET_KEY, token(random, 32)));

        network = new PodNetwork(synth.env.network().cidr(), work.resolve("net"));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            network.addPod(i);
            names.add(BrokerWorkload.STATEFUL_SET + "-" + i);
        }
        network.startDns(serviceFqdn, names);

        for (int i = 0; i < 3; i++) {
            RuncPod pod = pod(i, names.get(i));
            pods.add(pod);
            pod.start();
        }
        nlb = new NlbStandIn(nlbService, network.podIps(), work.resolve("nlb"));
        awaitStartupAndReadiness();
    }


    private static RuncPod pod(int ordinal, String name) throws Exception {
        return new RuncPod(name, network.podIps().get(ordinal), network.netns(ordinal), podSpec, imageConfig, rootfs,
                work.resolve("pod-" + ordinal), secrets, network.resolvConf(BrokerWorkload.NAMESPACE));
    }

    /** The image as `./fleetmq image build --manifest image-builder/manifests/broker.yaml` makes it. */
    private static Path buildImage() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Path tar = work.resolve("broker.tar");
        CliContext ctx = new CliContext(root, Path.of(System.getProperty("user.home")),
                Path.of(System.getProperty("java.home")), System.getenv());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = ImageCli.commandLine(new ImageCli(ctx));
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute("build", "--manifest", root.resolve("image-builder/manifests/broker.yaml").toString(),
                "--to", "tar:" + tar);
        assertThat(code).as("image build: " + err).isZero();
        return tar;
    }

    private static String token(SecureRandom random, int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /**
     * The kubelet's view: the startup probe may fail for period x failureThreshold before the pod is restarted, and
     * the pod is ready when its readiness probe passes. All three must be ready within the startup budget.
     */
    private static void awaitStartupAndReadiness() throws Exception {
        Container c = podSpec.getContainers().get(0);
        Probe startup = c.getStartupProbe();
        long budget = (long) startup.getPeriodSeconds() * startup.getFailureThreshold();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(budget);
        for (RuncPod pod : pods) {
            while (status(pod, c.getReadinessProbe()) != 200) {
                if (!pod.isRunning()) {
                    throw new AssertionError(pod.name + " exited:\n" + pod.log());
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(pod.name + " not ready within the startup probe's " + budget + " s:\n"
                            + pod.log());
                }
                Thread.sleep(250);
            }
        }
    }

    private static int status(RuncPod pod, Probe probe) {
        try {
            return get(pod, probe.getHttpGet().getPort().getIntVal(), probe.getHttpGet().getPath(),
                    probe.getTimeoutSeconds()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static HttpResponse<String> get(RuncPod pod, int port, String path, int timeoutSeconds)
            throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + pod.ip + ":" + port + path))
                .timeout(Duration.ofSeconds(timeoutSeconds)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static double gauge(RuncPod pod, String metric) throws Exception {
        String body = get(pod, BrokerContract.HTTP_PORT, BrokerContract.METRICS_PATH, 5).body();
        Matcher m = Pattern.compile("(?m)^" + metric + "(\\{[^}]*})? ([0-9.eE+-]+)$").matcher(body);
        assertThat(m.find()).as(metric + " in /metrics of " + pod.name + ":\n" + body).isTrue();
        return Double.parseDouble(m.group(2));
    }

    private static void await(String what, long seconds, BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + seconds + " s: " + what);
            }
            Thread.sleep(100);
        }
    }

    /**
     * The subscriber and the publisher may sit on different pods, and a subscription reaches the other nodes' routing
     * tables shortly after its SUBACK (the cluster is eventually consistent): publish probes until one arrives.
     */
    private static void awaitRoute(Device pub, Device sub, String topic) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int probe = 0;
        while (sub.received.stream().noneMatch(m -> m.startsWith("probe-"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no route from " + pub.client.getClientId() + " to the subscription of "
                        + sub.client.getClientId() + " on " + topic + " within 30 s");
            }
            pub.publishAcknowledged(topic, "probe-" + probe++);
            Thread.sleep(200);
        }
    }

    private static int nlbPort() {
        return nlb.port(BrokerContract.MQTT_TLS_PORT).orElseThrow(() -> new AssertionError("no 8883 on the NLB"));
    }

    @AfterAll
    static void tearDown() {
        if (nlb != null) {
            nlb.close();
        }
        for (RuncPod pod : pods) {
            pod.close();
        }
        if (network != null) {
            network.close();
        }
        if (work != null && !Boolean.getBoolean("fleetmq.pods.keep")) {
            try {
                Sh.run(120, "rm", "-rf", "--one-file-system", work.toString());
            } catch (Exception e) {
                // best effort: target/ is cleaned by the build anyway
            }
        }
    }

    @Test
    @Order(1)
    void everyVariableOfThePodSpecNamesAKeyTheBrokerInTheImageKnows() throws Exception {
        // Nothing the manifests set is skipped: each pod runs with every variable of the spec, and the broker stops
        // at start on a variable it does not know (exit 2, one line), so a running pod is the proof. Here the same
        // rule is checked by name, so a failure says which variable.
        for (EnvVar e : podSpec.getContainers().get(0).getEnv()) {
            assertThat(ConfigSchema.keyForEnv(e.getName()).isPresent()
                    || ConfigSchema.LAUNCHER_ENV.contains(e.getName())).as(e.getName()).isTrue();
        }
        for (RuncPod pod : pods) {
            assertThat(pod.log()).doesNotContain("unknown environment variable");
        }
    }

    @Test
    @Order(2)
    void allThreeAreReadyAndFormOneClusterFoundThroughTheHeadlessServicesName() throws Exception {
        for (RuncPod pod : pods) {
            assertThat(status(pod, podSpec.getContainers().get(0).getLivenessProbe())).isEqualTo(200);
            await(pod.name + " sees 3 members", 60, () -> {
                try {
                    return gauge(pod, BrokerContract.METRIC_CLUSTER_MEMBERS) == 3;
                } catch (Exception e) {
                    return false;
                }
            });
        }
        // Discovery ran the production path: JNDI DNS queries for the Service's name, answered by the cluster DNS.
        assertThat(network.dnsLog()).contains("query[A] " + BrokerWorkload.DISCOVERY_FQDN + " from "
                + network.podIps().get(0));
        // The NLB's health checks see every target healthy.
        await("all NLB targets UP", 60, () -> {
            try {
                return nlb.targetHealth("mqtts").values().stream().allMatch(s -> s.equals("UP"))
                        && nlb.targetHealth("mqtts").size() == 3;
            } catch (IOException e) {
                return false;
            }
        });
    }

    @Test
    @Order(3)
    void eachPodRunsNonRootOnAReadOnlyRootWithTheJavaOptionsItsSpecGives() throws Exception {
        Container c = podSpec.getContainers().get(0);
        String javaOpts = c.getEnv().stream().filter(e -> e.getName().equals(BrokerContract.ENV_JAVA_OPTS))
                .findFirst().orElseThrow().getValue();
        for (RuncPod pod : pods) {
            long pid = pod.hostPid();
            String status = Files.readString(Path.of("/proc", String.valueOf(pid), "status"));
            assertThat(status).containsPattern("Uid:\\s+10001\\s").containsPattern("Gid:\\s+10001\\s")
                    .containsPattern("CapEff:\\s+0+\\n").containsPattern("NoNewPrivs:\\s+1");
            // The JVM is PID 1 of the container (the shell exec'd it) and got the pod's FLEETMQ_JAVA_OPTS.
            String cmdline = Files.readString(Path.of("/proc", String.valueOf(pid), "cmdline")).replace('\0', ' ');
            assertThat(cmdline).startsWith("/opt/java/bin/java ").contains(javaOpts)
                    .contains("--config /etc/fleetmq/fleetmq.yaml");
            String mounts = Files.readString(Path.of("/proc", String.valueOf(pid), "mounts"));
            assertThat(mounts.lines().filter(l -> l.split(" ")[1].equals("/")).findFirst().orElseThrow())
                    .contains(" ro,");
            // The role-rendered configuration is what the broker read; the pod mounted nothing over it.
            assertThat(mounts).doesNotContain(" /etc/fleetmq ");
            assertThat(pod.log()).contains("node " + pod.name + " running");
        }
    }

    @Test
    @Order(4)
    void devicesWithCertificatesExchangeQos1MessagesThroughTheNlbOn8883() throws Exception {
        try (Device sub = new Device("truck-7", nlbPort(), pki.device("truck-7"), pki.caFile(), false).connect();
             Device pub = new Device("truck-8", nlbPort(), pki.device("truck-8"), pki.caFile(), false).connect()) {
            sub.subscribe("fleet/+/temp");
            awaitRoute(pub, sub, "fleet/truck-8/temp");
            for (int i = 0; i < 20; i++) {
                assertThat(pub.publishAcknowledged("fleet/truck-8/temp", "t" + i)).as("PUBACK for t" + i).isTrue();
            }
            await("20 messages at the subscriber", 30,
                    () -> sub.received.stream().filter(m -> m.startsWith("t")).count() >= 20);
            assertThat(sub.received.stream().filter(m -> m.startsWith("t")).toList()).containsExactlyElementsOf(
                    java.util.stream.IntStream.range(0, 20).mapToObj(i -> "t" + i).toList());
        }
    }

    @Test
    @Order(5)
    void metricsServeTheConnectionGaugeThePrometheusAdapterReads() throws Exception {
        try (Device d = new Device("truck-9", nlbPort(), pki.device("truck-9"), pki.caFile(), false).connect()) {
            // The adapter's series: fleetmq_connections per pod (the collector adds namespace and pod labels).
            await("one connection counted across the pods", 30, () -> {
                double sum = 0;
                for (RuncPod pod : pods) {
                    try {
                        sum += gauge(pod, BrokerContract.METRIC_CONNECTIONS);
                    } catch (Exception e) {
                        return false;
                    }
                }
                return sum == 1;
            });
            String body = get(pods.get(0), BrokerContract.HTTP_PORT, BrokerContract.METRICS_PATH, 5).body();
            assertThat(body).contains("# TYPE " + BrokerContract.METRIC_CONNECTIONS + " gauge");
        }
    }

    @Test
    @Order(6)
    void attackADeviceWithoutACertificateIsRefusedAtTheHandshake() throws Exception {
        javax.net.ssl.SSLContext trustOnly = javax.net.ssl.SSLContext.getInstance("TLS");
        java.security.KeyStore trust = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
        trust.load(null, null);
        try (var in = Files.newInputStream(pki.caFile())) {
            trust.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(in));
        }
        var tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        trustOnly.init(null, tmf.getTrustManagers(), null);
        assertThatThrownBy(() -> {
            try (var s = (javax.net.ssl.SSLSocket) trustOnly.getSocketFactory().createSocket("127.0.0.1", nlbPort())) {
                s.setSoTimeout(10_000);
                s.startHandshake();
                // TLS 1.3: the server's refusal of the missing certificate arrives with the first read.
                s.getOutputStream().write(new byte[]{0x10, 0x00});
                s.getOutputStream().flush();
                if (s.getInputStream().read() == -1) {
                    throw new SSLException("closed by the broker");
                }
            }
        }).isInstanceOf(IOException.class);
    }

    @Test
    @Order(7)
    void attackACertificateFromAnotherCaIsRefused() throws Exception {
        try (Device rogue = new Device("truck-7", nlbPort(), pki.foreignDevice("truck-7"), pki.caFile(), false)) {
            assertThatThrownBy(rogue::connect).isInstanceOf(org.eclipse.paho.mqttv5.common.MqttException.class);
        }
    }

    @Test
    @Order(8)
    void attackPlainMqttIsOnNeitherTheNlbNorThePods() throws Exception {
        assertThat(nlb.servicePorts()).containsExactly(BrokerContract.MQTT_TLS_PORT);
        for (RuncPod pod : pods) {
            assertThatThrownBy(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(pod.ip, BrokerContract.MQTT_PORT), 2_000);
                }
            }).isInstanceOf(ConnectException.class);
        }
    }

    @Test
    @Order(9)
    void attackADeviceUsingAnotherDevicesClientIdIsRefused() throws Exception {
        try (Device impostor = new Device("truck-7", nlbPort(), pki.device("truck-66"), pki.caFile(), false)) {
            assertThatThrownBy(impostor::connect).isInstanceOf(org.eclipse.paho.mqttv5.common.MqttException.class);
        }
    }

    @Test
    @Order(100)
    void sigtermWithThePodsGracePeriodDrainsWithoutLosingAnAcknowledgedMessage() throws Exception {
        Container c = podSpec.getContainers().get(0);
        long preStop = c.getLifecycle().getPreStop().getSleep().getSeconds();
        long grace = podSpec.getTerminationGracePeriodSeconds();
        try (Device sub = new Device("truck-20", nlbPort(), pki.device("truck-20"), pki.caFile(), true).connect()) {
            sub.subscribe("fleet/+/odometer");
            // The pod holding the subscriber's session is the one taken away.
            int victim = -1;
            for (int i = 0; i < pods.size(); i++) {
                if (gauge(pods.get(i), BrokerContract.METRIC_CONNECTIONS) == 1) {
                    victim = i;
                }
            }
            assertThat(victim).as("the pod holding the subscriber").isNotNegative();
            RuncPod pod = pods.get(victim);
            try (Device pub = new Device("truck-21", nlbPort(), pki.device("truck-21"), pki.caFile(), false)
                    .connect()) {
                awaitRoute(pub, sub, "fleet/truck-21/odometer");
                Set<String> acknowledged = ConcurrentHashMap.newKeySet();
                int n = 0;
                // Deletion: the target is deregistered and preStop sleeps; then SIGTERM, then at most the rest of
                // the grace period before SIGKILL.
                nlb.deregister(victim);
                long sigtermAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(preStop);
                while (System.nanoTime() < sigtermAt) {
                    String m = "km" + n++;
                    if (pub.publishAcknowledged("fleet/truck-21/odometer", m)) {
                        acknowledged.add(m);
                    }
                    Thread.sleep(50);
                }
                pod.signal("TERM");
                long killAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(grace - preStop);
                while (pod.isRunning() && System.nanoTime() < killAt) {
                    String m = "km" + n++;
                    if (pub.publishAcknowledged("fleet/truck-21/odometer", m)) {
                        acknowledged.add(m);
                    }
                    Thread.sleep(50);
                }
                assertThat(pod.isRunning()).as(pod.name + " exited within its grace period").isFalse();
                var exit = pod.awaitExit(1);
                assertThat(exit).as(pod.log()).hasValue(0);
                // A few more after the pod is gone: the devices are on the remaining pods now.
                await("publisher back after the drain", 30, () -> pub.client.isConnected());
                for (int i = 0; i < 20; i++) {
                    String m = "km" + n++;
                    if (pub.publishAcknowledged("fleet/truck-21/odometer", m)) {
                        acknowledged.add(m);
                    }
                }
                assertThat(acknowledged).hasSizeGreaterThan(50);
                await("every acknowledged message at the subscriber", 60,
                        () -> sub.received.containsAll(acknowledged));
                // The subscriber was moved by the drain and resumed its session on another pod.
                assertThat(sub.connects.get()).isGreaterThanOrEqualTo(2);
                assertThat(pod.log()).contains("broker stopped");
            }
        }
    }
}
