package io.fleetmq.broker.cli;

import io.fleetmq.broker.config.BrokerConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.BindException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class BrokerCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final AtomicReference<BrokerConfig> started = new AtomicReference<>();

    private int run(Map<String, String> env, BrokerStarter starter, String... args) {
        CommandLine cmd = new CommandLine(new FleetMqCli(env, starter));
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    private BrokerStarter failingWith(Exception e) {
        return config -> {
            started.set(config);
            throw e;
        };
    }

    private static final BrokerStarter MUST_NOT_START = config -> {
        throw new AssertionError("broker must not start on bad input");
    };

    @Test
    void badConfigValueExitsWith2AndOneLineOnStderr() {
        int code = run(Map.of(), MUST_NOT_START, "broker", "--set", "mqtt.maxQos=7");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo(
                "config error: mqtt.maxQos: must be between 0 and 2, got \"7\" (from --set)" + System.lineSeparator());
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void setWithoutEqualsExitsWith2() {
        int code = run(Map.of(), MUST_NOT_START, "broker", "--set", "listeners.tcp.port");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("config error: --set \"listeners.tcp.port\": expected KEY=VALUE")
                .doesNotContain("\n");
    }

    @Test
    void unknownEnvironmentVariableExitsWith2() {
        int code = run(Map.of("FLEETMQ_MQTT_MAXQOS", "1"), MUST_NOT_START, "broker");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("config error: unknown environment variable FLEETMQ_MQTT_MAXQOS "
                + "(did you mean FLEETMQ_MQTT_MAX_QOS?)");
    }

    @Test
    void missingConfigFileExitsWith2() {
        int code = run(Map.of(), MUST_NOT_START, "broker", "--config", "/nonexistent/fleetmq.yaml");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("config error: cannot read /nonexistent/fleetmq.yaml: no such file");
    }

    @Test
    void hiddenStacktraceFlagAddsTheTrace() {
        int code = run(Map.of(), MUST_NOT_START, "broker", "--stacktrace", "--set", "mqtt.maxQos=7");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("io.fleetmq.broker.config.ConfigException").contains("\tat ");
    }

    @Test
    void portInUseExitsWith1AndSaysWhichAddress() {
        int code = run(Map.of(), failingWith(new BindException("Address already in use")), "broker");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).isEqualTo(
                "fleetmq: cannot bind 127.0.0.1:1883: Address already in use" + System.lineSeparator());
    }

    @Test
    void epollStyleBindFailureIsRecognisedThroughTheCauseChain() {
        Exception netty = new IllegalStateException("start failed",
                new IOException("bind(..) failed: Address already in use"));

        int code = run(Map.of(), failingWith(netty), "broker", "--set", "listeners.tcp.port=1999");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString().strip()).isEqualTo("fleetmq: cannot bind 127.0.0.1:1999: Address already in use");
    }

    @Test
    void otherStartFailureExitsWith1WithoutStackTrace() {
        int code = run(Map.of(), failingWith(new UnsupportedOperationException("broker engine not wired yet")),
                "broker");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString().strip()).isEqualTo("fleetmq: broker failed to start: broker engine not wired yet");
    }

    @Test
    void brokerReceivesTheMergedConfiguration() {
        run(Map.of("FLEETMQ_MQTT_MAX_QOS", "1"), failingWith(new IllegalStateException("stop here")),
                "broker", "--set", "listeners.tcp.port=0");

        assertThat(started.get().mqtt().maxQos()).isEqualTo(1);
        assertThat(started.get().listeners().tcp().port()).isZero();
        assertThat(started.get().source()).isEqualTo("defaults");
    }

    @Test
    void unknownSubcommandExitsWith2WithSuggestionAndUsage() {
        CommandLine cmd = FleetMqCli.commandLine(new FleetMqCli(Map.of(), MUST_NOT_START));
        cmd.setErr(new PrintWriter(err, true));

        int code = cmd.execute("brokr");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("Unmatched argument at index 0: 'brokr'")
                .contains("Did you mean: fleetmq broker?").contains("Usage: fleetmq");
    }

    @Test
    void unknownOptionOfBrokerShowsBrokerUsage() {
        CommandLine cmd = FleetMqCli.commandLine(new FleetMqCli(Map.of(), MUST_NOT_START));
        cmd.setErr(new PrintWriter(err, true));

        int code = cmd.execute("broker", "--sett", "a=b");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown options: '--sett'").contains("Usage: fleetmq broker");
    }

    @Test
    void unknownOptionExitsWith2() {
        int code = run(Map.of(), MUST_NOT_START, "broker", "--confg", "x.yaml");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--confg");
    }

    @Test
    void noSubcommandPrintsUsageAndExitsWith2() {
        int code = run(Map.of(), MUST_NOT_START);

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("Usage: fleetmq").contains("broker");
    }

    @Test
    void helpAndVersionExitWith0() {
        assertThat(run(Map.of(), MUST_NOT_START, "broker", "--help")).isZero();
        assertThat(out.toString()).contains("--config=FILE").contains("--set=KEY=VALUE").doesNotContain("--stacktrace");

        assertThat(run(Map.of(), MUST_NOT_START, "--version")).isZero();
        assertThat(out.toString()).contains("fleetmq ");
    }

    @Test
    void unexpectedExceptionIsShortenedToOneLineByTheMainHandler() {
        CommandLine cmd = FleetMqCli.commandLine(new FleetMqCli(Map.of(), MUST_NOT_START));
        cmd.setErr(new PrintWriter(err, true));
        CommandLine.ParseResult parsed = cmd.parseArgs("broker");

        int code = new ShortErrorHandler().handleExecutionException(
                new IllegalStateException("wrapped", new IOException("disk gone")), cmd, parsed);

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("fleetmq: disk gone" + System.lineSeparator());
    }

    @Test
    void mainHandlerPrintsTheTraceWithStacktraceFlag() {
        CommandLine cmd = FleetMqCli.commandLine(new FleetMqCli(Map.of(), MUST_NOT_START));
        cmd.setErr(new PrintWriter(err, true));
        CommandLine.ParseResult parsed = cmd.parseArgs("broker", "--stacktrace");

        new ShortErrorHandler().handleExecutionException(new IllegalStateException("boom"), cmd, parsed);

        assertThat(err.toString()).startsWith("fleetmq: boom").contains("\tat ");
    }
}
