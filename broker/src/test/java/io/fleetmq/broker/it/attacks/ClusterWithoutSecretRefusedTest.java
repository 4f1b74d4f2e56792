package io.fleetmq.broker.it.attacks;

import io.fleetmq.broker.cli.BrokerStarter;
import io.fleetmq.broker.cli.FleetMqCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node that would open its cluster port on a real network without the cluster secret would let anyone who reaches
 * that port join as a full member. The real broker start, through the CLI, refuses that with one line naming the key,
 * and exit code 2 like every configuration error; a secret file that is missing or too short is refused the same way.
 */
class ClusterWithoutSecretRefusedTest {
    @TempDir
    Path dir;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int broker(Map<String, String> env, String... sets) {
        String[] args = new String[1 + 2 * (sets.length + 3)];
        int i = 0;
        args[i++] = "broker";
        for (String s : new String[] {"listeners.tcp.port=0", "http.enabled=false", "cluster.enabled=true"}) {
            args[i++] = "--set";
            args[i++] = s;
        }
        for (String s : sets) {
            args[i++] = "--set";
            args[i++] = s;
        }
        var cmd = FleetMqCli.commandLine(new FleetMqCli(env, BrokerStarter.REAL));
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    @Test
    void aClusteredNodeOnANonLoopbackAddressWithoutASecretDoesNotStart() {
        int code = broker(Map.of(), "cluster.bind=10.11.12.13");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("config error: cluster.secretFile: required when cluster.bind "
                + "(10.11.12.13) is not a loopback address; give every node the same file of at least 32 random "
                + "bytes, e.g. openssl rand -base64 48" + System.lineSeparator());
    }

    @Test
    void aSecretFileThatIsTooShortIsRefusedNamingTheFileAndTheMinimum() throws Exception {
        Path secret = Files.writeString(dir.resolve("short.secret"), "hunter2\n", StandardCharsets.US_ASCII);

        int code = broker(Map.of("FLEETMQ_CLUSTER_SECRET_FILE", secret.toString()), "cluster.bind=10.11.12.13");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("config error: cluster.secretFile " + secret + ": 7 bytes, at least 32 "
                + "random bytes are required (e.g. openssl rand -base64 48 > " + secret + ")"
                + System.lineSeparator());
    }

    @Test
    void aMissingSecretFileIsRefusedNamingIt() {
        Path missing = dir.resolve("nowhere.secret");

        int code = broker(Map.of(), "cluster.bind=127.0.0.1", "cluster.secretFile=" + missing);

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("config error: cluster.secretFile " + missing + ": no such file"
                + System.lineSeparator());
    }
}
