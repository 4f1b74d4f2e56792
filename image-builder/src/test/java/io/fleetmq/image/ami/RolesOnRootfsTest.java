package io.fleetmq.image.ami;

import io.fleetmq.image.Processes;
import io.fleetmq.image.TestPaths;
import io.fleetmq.image.roles.RenderedFile;
import io.fleetmq.image.validate.ValidatedManifest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every role applied for real, by ansible-playbook through the community.general.chroot connection, to a Debian
 * bookworm root filesystem made by debootstrap, with the playbook {@code image ami} generates from a manifest; a
 * second run changes nothing; then the broker installed by the role is started from its systemd unit's ExecStart
 * (inside the root filesystem, as the broker user) and mosquitto_pub/mosquitto_sub talk to it; last, the AMI
 * build's validation step catches the SSH host keys the SSH server package generated, and the cleanup step makes
 * the root filesystem pass it. Needs root, debootstrap, ansible, mosquitto-clients; skipped with the reason without.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RolesOnRootfsTest {

    private static final Pattern RECAP = Pattern.compile(
            "ok=(\\d+)\\s+changed=(\\d+)\\s+unreachable=(\\d+)\\s+failed=(\\d+)");

    private Path work;
    private Path root;
    private int port;
    private ValidatedManifest manifest;
    private Path imageTar;
    private Processes.Result firstRun;
    private Processes.Result secondRun;

    @BeforeAll
    void applyTheRolesTwice() throws Exception {
        Processes.assumeRoot("debootstrap, chroot and mount a root filesystem");
        Processes.assumeTools("apply the roles to a root filesystem", "debootstrap", "ansible-playbook",
                "mosquitto_pub", "mosquitto_sub");
        Path cache = Files.createDirectories(TestRootfs.cache().resolve("ami"));
        work = Files.createTempDirectory(cache, "apply-");
        root = TestRootfs.freshCopy(work);
        port = Processes.freePort();
        Path m = work.resolve("all-roles.yaml");
        Files.writeString(m, """
                apiVersion: fleetmq.io/v1alpha1
                kind: ImageManifest
                name: fleetmq-test-node
                version: 0.1.0
                roles:
                  - name: fleetmq_os_tuning
                  - name: fleetmq_broker
                    vars:
                      fleetmq_broker_node_name: rootfs-test
                      fleetmq_broker_tcp_bind: 127.0.0.1
                      fleetmq_broker_tcp_port: %d
                      fleetmq_broker_java_opts: ["-Xmx256m", "-XX:+ExitOnOutOfMemoryError"]
                  - name: fleetmq_node_exporter
                  - name: fleetmq_hardening
                  - name: fleetmq_eks_node
                targets:
                  ami:
                    name: test-node
                    template: broker-node
                    region: eu-west-1
                    instanceType: c7g.large
                    sourceAmi:
                      nameFilter: "debian-12-*"
                      owners: ["136693071363"]
                """.formatted(port));
        manifest = AmiStagingTest.load(m);
        // A small tar stands in for the broker image: the role copies whatever tar it is given.
        Path content = Files.writeString(work.resolve("index.json"), "{\"schemaVersion\":2}");
        imageTar = work.resolve("broker.tar");
        Processes.ok(30, "tar", "-cf", imageTar.toString(), "-C", work.toString(), content.getFileName().toString());
        AmiPlan plan = AmiStagingTest.staging().stage(manifest, work.resolve("stage"), TestPaths.home()
                .resolve("broker/target"), imageTar, "test", BuildPlacement.DRY_RUN);
        firstRun = ansible(plan.playbook());
        secondRun = ansible(plan.playbook());
    }

    private Processes.Result ansible(Path playbook) throws Exception {
        return Processes.run(work, 900, "env", "ANSIBLE_ROLES_PATH=" + TestPaths.roles(), "ANSIBLE_NOCOLOR=1",
                "ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3", "ANSIBLE_LOCAL_TEMP=" + work.resolve("ansible-tmp"),
                "ansible-playbook", "-i", root + ",", "-c", "community.general.chroot", playbook.toString());
    }

    @AfterAll
    void removeTheRootfs() throws Exception {
        if (work != null) {
            TestRootfs.remove(work);
        }
    }

    private static int[] recap(Processes.Result r) {
        Matcher m = RECAP.matcher(r.output());
        assertThat(m.find()).as("a PLAY RECAP in: " + r.output()).isTrue();
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                Integer.parseInt(m.group(4))};
    }

    private String read(String path) throws IOException {
        return Files.readString(root.resolve(path.substring(1)), StandardCharsets.UTF_8);
    }

    @Test
    @Order(1)
    void firstRunAppliesEveryRole() {
        assertThat(firstRun.exitCode()).as(firstRun.output()).isZero();
        int[] r = recap(firstRun);
        assertThat(r[3]).as("failed").isZero();
        assertThat(r[1]).as("changed").isPositive();
        for (String role : List.of("fleetmq_os_tuning", "fleetmq_broker", "fleetmq_node_exporter",
                "fleetmq_hardening", "fleetmq_eks_node")) {
            assertThat(firstRun.output()).contains("TASK [" + role + " : ");
        }
    }

    @Test
    @Order(2)
    void secondRunChangesNothing() {
        assertThat(secondRun.exitCode()).as(secondRun.output()).isZero();
        int[] r = recap(secondRun);
        assertThat(r[1]).as("changed on the second run:\n" + secondRun.output()).isZero();
        assertThat(r[3]).as("failed").isZero();
    }

    @Test
    @Order(3)
    void brokerRoleMakesTheUserJavaDistributionAndSandboxedUnit() throws Exception {
        assertThat(read("/etc/passwd")).contains("fleetmq:x:10001:10001::/var/lib/fleetmq:/usr/sbin/nologin");
        assertThat(root.resolve("usr/bin/java")).exists();
        assertThat(root.resolve("opt/fleetmq/classes/io/fleetmq/broker/cli/FleetMqCli.class")).isRegularFile();
        String unit = read("/etc/systemd/system/fleetmq.service");
        assertThat(unit).contains("User=fleetmq", "LimitNOFILE=1048576", "NoNewPrivileges=yes",
                "ProtectSystem=strict", "ReadWritePaths=/var/lib/fleetmq", "PrivateTmp=yes",
                "ExecStart=/usr/bin/java -Xmx256m -XX:+ExitOnOutOfMemoryError -cp /opt/fleetmq/classes:"
                        + "/opt/fleetmq/lib/* io.fleetmq.broker.cli.FleetMqCli broker --config "
                        + "/etc/fleetmq/fleetmq.yaml");
        assertThat(Files.readSymbolicLink(root.resolve("etc/systemd/system/multi-user.target.wants/fleetmq.service")))
                .isEqualTo(Path.of("/etc/systemd/system/fleetmq.service"));
    }

    @Test
    @Order(4)
    void brokerConfigurationOnTheMachineIsByteForByteWhatTheImageBuilderRenders() throws Exception {
        // The image builder renders the same role for containers; render it in Java with this manifest's variables.
        Path m = work.resolve("container.yaml");
        Files.writeString(m, Files.readString(work.resolve("all-roles.yaml")).replace("targets:\n", """
                base:
                  rootfs:
                    debootstrap: {suite: bookworm}
                runtime:
                  jlink: {modules: [java.base]}
                targets:
                  container:
                    repository: fleetmq/test
                """));
        RenderedFile java = AmiStagingTest.load(m).containerFiles().stream()
                .filter(f -> f.path().equals("/etc/fleetmq/fleetmq.yaml")).findFirst().orElseThrow();
        assertThat(Files.readAllBytes(root.resolve("etc/fleetmq/fleetmq.yaml"))).isEqualTo(java.content());
    }

    @Test
    @Order(5)
    void osTuningWritesTheKernelSettingsAndLimits() throws Exception {
        assertThat(read("/etc/sysctl.d/60-fleetmq.conf")).contains("fs.file-max = 2097152", "fs.nr_open = 2097152",
                "net.core.somaxconn = 65535", "net.ipv4.tcp_max_syn_backlog = 65535",
                "net.ipv4.ip_local_port_range = 1024 65535", "net.ipv4.tcp_mem = ",
                "net.netfilter.nf_conntrack_max = 1048576");
        assertThat(read("/etc/security/limits.d/60-fleetmq.conf")).contains("*    hard  nofile  1048576");
        assertThat(read("/etc/systemd/system.conf.d/60-fleetmq.conf")).contains("DefaultLimitNOFILE=1048576");
        assertThat(read("/etc/modules-load.d/fleetmq.conf")).contains("nf_conntrack");
    }

    @Test
    @Order(6)
    void hardeningForbidsRootAndPasswordLoginAndInstallsUpdatesAndAuditd() throws Exception {
        assertThat(read("/etc/ssh/sshd_config.d/00-fleetmq.conf")).contains("PermitRootLogin no",
                "PasswordAuthentication no");
        assertThat(read("/etc/ssh/sshd_config")).contains("Include /etc/ssh/sshd_config.d/*.conf");
        assertThat(read("/etc/apt/apt.conf.d/20auto-upgrades")).contains("APT::Periodic::Unattended-Upgrade \"1\";");
        assertThat(read("/etc/audit/rules.d/60-fleetmq.rules")).contains("-w /etc/passwd -p wa -k identity");
        String status = Processes.ok(60, "chroot", root.toString(), "dpkg-query", "-W", "-f",
                "${Package} ${Status}\\n");
        assertThat(status).contains("auditd install ok installed", "unattended-upgrades install ok installed")
                .doesNotContain("gcc install ok installed", "make install ok installed");
    }

    @Test
    @Order(7)
    void nodeExporterAndEksNodeRolesInstallTheirUnits() throws Exception {
        assertThat(read("/etc/default/prometheus-node-exporter")).contains("--web.listen-address=:9100",
                "--collector.systemd");
        assertThat(root.resolve("etc/systemd/system/multi-user.target.wants/prometheus-node-exporter.service"))
                .exists();
        assertThat(read("/etc/systemd/system/containerd.service.d/60-fleetmq.conf")).contains("LimitNOFILE=1048576");
        Map<?, ?> kubelet = new com.fasterxml.jackson.databind.ObjectMapper().readValue(
                read("/etc/kubernetes/kubelet/config.json.d/40-fleetmq-sysctls.conf"), Map.class);
        assertThat(kubelet.get("kind")).isEqualTo("KubeletConfiguration");
        assertThat(kubelet.get("allowedUnsafeSysctls")).isEqualTo(List.of("net.ipv4.ip_local_port_range",
                "net.ipv4.tcp_fin_timeout", "net.core.somaxconn", "net.ipv4.tcp_max_syn_backlog",
                "net.ipv4.tcp_keepalive_time"));
        assertThat(Files.readAllBytes(root.resolve("var/lib/fleetmq/images/broker.tar")))
                .isEqualTo(Files.readAllBytes(imageTar));
        assertThat(read("/etc/systemd/system/fleetmq-image-preload.service")).contains(
                "ExecStart=/usr/bin/ctr -n k8s.io images import --all-platforms /var/lib/fleetmq/images/broker.tar",
                "Before=kubelet.service");
    }

    @Test
    @Order(8)
    void installedBrokerStartedFromItsUnitServesMqttClients() throws Exception {
        String execStart = read("/etc/systemd/system/fleetmq.service").lines()
                .filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow().substring("ExecStart=".length());
        // As systemd would: split on spaces, no shell (the classpath wildcard is Java's, not a glob).
        List<String> cmd = new ArrayList<>(List.of("chroot", "--userspec=10001:10001", root.toString()));
        cmd.addAll(Arrays.asList(execStart.split(" ")));
        Path log = work.resolve("broker.log");
        Process broker = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            waitForPort(broker, log);
            Processes.ok(30, "mosquitto_pub", "-h", "127.0.0.1", "-p", String.valueOf(port), "-q", "1", "-r",
                    "-t", "fleetmq/ami/test", "-m", "retained-from-rootfs");
            Path received = work.resolve("received.txt");
            Process sub = new ProcessBuilder("mosquitto_sub", "-h", "127.0.0.1", "-p", String.valueOf(port), "-q",
                    "1", "-t", "fleetmq/ami/test", "-C", "2", "-W", "30").redirectErrorStream(true)
                    .redirectOutput(received.toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (Files.readString(received).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            Processes.ok(30, "mosquitto_pub", "-h", "127.0.0.1", "-p", String.valueOf(port), "-q", "1",
                    "-t", "fleetmq/ami/test", "-m", "live-from-rootfs");
            assertThat(sub.waitFor(40, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readAllLines(received)).containsExactly("retained-from-rootfs", "live-from-rootfs");
        } finally {
            broker.destroy();
            if (!broker.waitFor(30, TimeUnit.SECONDS)) {
                broker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private void waitForPort(Process broker, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!broker.isAlive()) {
                throw new AssertionError("broker exited " + broker.exitValue() + ": " + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new AssertionError("broker did not listen on 127.0.0.1:" + port + " in 90 s: " + Files.readString(log));
    }

    @Test
    @Order(9)
    void validationCatchesTheHostKeysAndCleanupMakesTheRootfsPass() throws Exception {
        Path scripts = TestPaths.home().resolve("packer/scripts");
        Processes.Result before = Processes.run(null, 60, "sh", scripts.resolve("validate.sh").toString(),
                root.toString());
        assertThat(before.exitCode()).as(before.output()).isEqualTo(1);
        assertThat(before.output()).contains("SSH host key /etc/ssh/ssh_host_ed25519_key");
        Processes.ok(120, "sh", scripts.resolve("cleanup.sh").toString(), root.toString());
        Processes.Result after = Processes.run(null, 60, "sh", scripts.resolve("validate.sh").toString(),
                root.toString());
        assertThat(after.exitCode()).as(after.output()).isZero();
        assertThat(root.resolve("var/lib/apt/lists")).isEmptyDirectory();
    }
}
