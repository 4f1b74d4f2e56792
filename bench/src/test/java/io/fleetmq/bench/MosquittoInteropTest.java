package io.fleetmq.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetmq.bench.testing.Bench;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The bench client against a broker it was not written with: Debian's mosquitto, on a free port. */
@Timeout(value = 50, unit = TimeUnit.SECONDS)
class MosquittoInteropTest {
    private static final Path MOSQUITTO = Path.of("/usr/sbin/mosquitto");

    @TempDir
    Path dir;

    private Process mosquitto;
    private int port;

    @BeforeEach
    void startMosquitto() throws Exception {
        assumeTrue(Files.isExecutable(MOSQUITTO), "/usr/sbin/mosquitto is not installed (.ci/run installs it)");
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path conf = Files.writeString(dir.resolve("mosquitto.conf"),
                "listener " + port + " 127.0.0.1\nallow_anonymous true\n");
        mosquitto = new ProcessBuilder(MOSQUITTO.toString(), "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                assertThat(mosquitto.isAlive()).as("mosquitto running; log: %s",
                        Files.readString(dir.resolve("mosquitto.log"))).isTrue();
                assertThat(System.nanoTime()).as("mosquitto listening").isLessThan(deadline);
                Thread.sleep(50);
            }
        }
    }

    @AfterEach
    void stopMosquitto() throws InterruptedException {
        if (mosquitto != null) {
            mosquitto.destroy();
            if (!mosquitto.waitFor(5, TimeUnit.SECONDS)) {
                mosquitto.destroyForcibly();
            }
        }
    }

    @Test
    void qos2RoundTripThroughMosquitto() throws Exception {
        String p = Integer.toString(port);
        Path report = dir.resolve("sub.json");
        Bench.Started sub = Bench.start("sub", "-h", "127.0.0.1", "-p", p, "-c", "2", "-i", "0", "-t", "interop/t",
                "-q", "2", "--expect", "100", "--duration", "30", "--report", report.toString());
        // mosquitto has no API to list subscriptions: wait for the progress line saying both SUBACKs arrived
        sub.awaitOutput("sub total=2", 15);
        Bench pub = Bench.run("pub", "-h", "127.0.0.1", "-p", p, "-V", "4", "-c", "1", "-i", "0", "-t",
                "interop/t", "-q", "2", "-I", "0", "-F", "5", "-L", "50", "--duration", "30");
        assertThat(pub.exitCode()).as(pub.err()).isZero();
        Bench s = sub.done().get(40, TimeUnit.SECONDS);
        assertThat(s.exitCode()).as(s.err()).isZero();
        JsonNode r = Bench.readReport(report);
        assertThat(r.get("subscribed").asLong()).isEqualTo(2);
        assertThat(r.get("received").asLong()).isEqualTo(100);
        assertThat(r.get("receiveRatio").asDouble()).isEqualTo(1.0);
        assertThat(r.get("latencyMs").get("max").isNumber()).isTrue();
    }
}
