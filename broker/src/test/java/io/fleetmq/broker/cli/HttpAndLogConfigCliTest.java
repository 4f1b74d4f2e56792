package io.fleetmq.broker.cli;

import io.fleetmq.broker.FleetMqBroker;
import io.fleetmq.broker.config.BrokerConfig;
import io.fleetmq.broker.config.HttpConfig;
import io.fleetmq.broker.config.ListenersConfig;
import io.fleetmq.broker.config.LogConfig;
import io.fleetmq.broker.config.TcpListenerConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code http.*} and {@code log.*} keys through the real CLI: defaults, environment, errors, bind failure. */
class HttpAndLogConfigCliTest {
    private final StringWriter err = new StringWriter();
    private final AtomicReference<BrokerConfig> started = new AtomicReference<>();

    private int run(Map<String, String> env, String... args) {
        CommandLine cmd = new CommandLine(new FleetMqCli(env, config -> {
            started.set(config);
            throw new IllegalStateException("stop here: only the configuration is under test");
        }));
        cmd.setOut(new PrintWriter(new StringWriter(), true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    @Test
    void defaultsServeHttpOnLoopback8080WithTheAdminApiOffAndTextLogs() {
        run(Map.of(), "broker");

        assertThat(started.get().http()).isEqualTo(new HttpConfig(true, "127.0.0.1", 8080, ""));
        assertThat(started.get().http().adminApiEnabled()).isFalse();
        assertThat(started.get().log()).isEqualTo(new LogConfig("text"));
    }

    @Test
    void adminTokenAndJsonLogsComeFromTheEnvironment() {
        run(Map.of("FLEETMQ_HTTP_ADMIN_TOKEN", "k8s-secret-value", "FLEETMQ_LOG_FORMAT", "JSON",
                "FLEETMQ_HTTP_PORT", "9100"), "broker", "--set", "http.bind=0.0.0.0");

        assertThat(started.get().http()).isEqualTo(new HttpConfig(true, "0.0.0.0", 9100, "k8s-secret-value"));
        assertThat(started.get().log().json()).isTrue();
        assertThat(started.get().http().toString()).doesNotContain("k8s-secret-value");
    }

    @Test
    void unknownLogFormatIsOneLineNamingTheKeyAndExit2() {
        int code = run(Map.of(), "broker", "--set", "log.format=xml");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("config error: log.format: must be one of text, json, got \"xml\" "
                + "(from --set)" + System.lineSeparator());
    }

    @Test
    void badAdminTokenIsNamedButNeverEchoed() {
        int code = run(Map.of("FLEETMQ_HTTP_ADMIN_TOKEN", "has a space"), "broker");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("config error: http.adminToken: must be at most 256 printable")
                .endsWith("(from FLEETMQ_HTTP_ADMIN_TOKEN)").doesNotContain("has a space").doesNotContain("\n");
    }

    @Test
    void httpPortOutOfRangeIsNamed() {
        int code = run(Map.of(), "broker", "--set", "http.port=70000");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip())
                .isEqualTo("config error: http.port: must be between 0 and 65535, got \"70000\" (from --set)");
    }

    @Test
    void httpPortInUseFailsTheStartWithOneLineNamingTheHttpAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            BrokerConfig config = BrokerConfig.defaults()
                    .withListeners(new ListenersConfig(new TcpListenerConfig(true, "127.0.0.1", 0)))
                    .withHttp(new HttpConfig(true, "127.0.0.1", taken.getLocalPort(), ""));

            assertThatThrownBy(() -> FleetMqBroker.start(config).close())
                    .satisfies(e -> assertThat(Failures.describeStart(e, config))
                            .isEqualTo("cannot bind 127.0.0.1:" + taken.getLocalPort() + ": Address already in use"));
        }
    }
}
