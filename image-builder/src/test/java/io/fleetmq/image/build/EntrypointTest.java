package io.fleetmq.image.build;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image's entry point run by a real /bin/sh, with a stand-in "java" that prints the arguments it got: the pod's
 * FLEETMQ_JAVA_OPTS reach the JVM after the role's options, and nothing in them is expanded by the shell.
 */
class EntrypointTest {

    @TempDir
    Path tmp;

    private List<String> argsSeenByJava(String javaOptsEnv, String... containerArgs) throws Exception {
        Path java = tmp.resolve("java");
        Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        ImageLayout layout = new ImageLayout("/opt/fleetmq", "/opt/java", java.toString(), "/etc/fleetmq/fleetmq.yaml",
                "/var/lib/fleetmq", 10001, 10001, "fleetmq", "fleetmq",
                List.of("-XX:MaxRAMPercentage=75", "-Dfleetmq.banner=it's on"), List.of(1883));
        List<String> cmd = new ArrayList<>(layout.entrypoint(List.of(Path.of("netty.jar"))));
        cmd.set(3, java.toString());
        cmd.addAll(List.of(containerArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (javaOptsEnv != null) {
            pb.environment().put("FLEETMQ_JAVA_OPTS", javaOptsEnv);
        } else {
            pb.environment().remove("FLEETMQ_JAVA_OPTS");
        }
        Process p = pb.start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void thePodsJavaOptionsReachTheJvmAfterTheRolesSoTheyWin() throws Exception {
        assertThat(argsSeenByJava("-XX:MaxRAMPercentage=60 -Xss512k")).containsExactly(
                "-XX:MaxRAMPercentage=75", "-Dfleetmq.banner=it's on", "-XX:MaxRAMPercentage=60", "-Xss512k",
                "-cp", "/opt/fleetmq/classes:/opt/fleetmq/lib/netty.jar", ImageLayout.MAIN_CLASS, "broker", "--config",
                "/etc/fleetmq/fleetmq.yaml");
    }

    @Test
    void withoutJavaOptionsOnlyTheRolesAreUsed() throws Exception {
        assertThat(argsSeenByJava(null)).startsWith("-XX:MaxRAMPercentage=75", "-Dfleetmq.banner=it's on", "-cp");
    }

    @Test
    void javaOptionsAreNeitherGlobbedNorEvaluatedByTheShell() throws Exception {
        Files.writeString(tmp.resolve("secret.txt"), "x");
        assertThat(argsSeenByJava("-Dp=" + tmp + "/* -Dq=$(id) -Dr=`id`"))
                .contains("-Dp=" + tmp + "/*", "-Dq=$(id)", "-Dr=`id`");
    }

    @Test
    void containerArgumentsFollowTheConfigFile() throws Exception {
        assertThat(argsSeenByJava("", "--set", "nodeName=a b")).endsWith("--config", "/etc/fleetmq/fleetmq.yaml",
                "--set", "nodeName=a b");
    }
}
