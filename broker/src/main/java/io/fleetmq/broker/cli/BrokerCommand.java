package io.fleetmq.broker.cli;

import io.fleetmq.broker.config.BrokerConfig;
import io.fleetmq.broker.config.ConfigException;
import io.fleetmq.broker.config.ConfigLoader;
import io.fleetmq.broker.config.ConfigSchema;
import io.fleetmq.broker.config.TcpListenerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code fleetmq broker}: loads the configuration, starts a node and runs it until SIGTERM/SIGINT, then shuts it down
 * gracefully. Exit codes: 0 after a clean shutdown, 1 when the broker cannot start, 2 for a bad configuration.
 */
@Command(name = "broker",
        mixinStandardHelpOptions = true,
        versionProvider = FleetMqVersion.class,
        description = {"Run a FleetMQ broker node in the foreground until SIGTERM or Ctrl-C.",
                "Configuration precedence, lowest first: defaults < --config file < FLEETMQ_* environment < --set.",
                "Keys and defaults: docs/configuration.md."})
public final class BrokerCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(BrokerCommand.class);

    @ParentCommand
    FleetMqCli parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML configuration file. Without it the development defaults apply (127.0.0.1:1883, "
                    + "anonymous clients allowed).")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Set one key, overriding file and environment, e.g. --set listeners.tcp.port=1884. "
                    + "Repeatable.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--stacktrace", hidden = true, description = "Print stack traces of errors.")
    boolean stacktrace;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        BrokerConfig config;
        try {
            config = ConfigLoader.load(configFile, sets, parent.env());
        } catch (ConfigException e) {
            err.println(e.getMessage());
            if (stacktrace) {
                e.printStackTrace(err);
            }
            err.flush();
            return FleetMqCli.BAD_INPUT;
        }
        String logWarning = LogFormat.apply(config.log());
        if (logWarning != null) {
            log.warn(logWarning);
        }
        logConfigSource(config);

        AutoCloseable broker;
        try {
            broker = parent.starter().start(config);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return FleetMqCli.FAILURE;
        } catch (ConfigException e) {
            // A certificate, password, JWKS or ACL file that cannot be used: bad input, one line naming it.
            err.println(e.getMessage());
            err.flush();
            return FleetMqCli.BAD_INPUT;
        } catch (Exception e) {
            err.println("fleetmq: " + Failures.describeStart(e, config));
            if (stacktrace) {
                e.printStackTrace(err);
            }
            err.flush();
            return FleetMqCli.FAILURE;
        }

        // SIGTERM/SIGINT are handled here rather than by the JVM's default (which exits 143 from a shutdown hook), so
        // a graceful stop ends with exit code 0. The hook stays as a safety net for any other way the JVM ends.
        CountDownLatch stopRequested = new CountDownLatch(1);
        for (String signal : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> {
                log.info("SIG{} received: closing gracefully (grace period {})", signal,
                        config.shutdown().gracePeriod());
                stopRequested.countDown();
            });
        }
        Thread safetyNet = new Thread(() -> closeQuietly(broker), "fleetmq-shutdown");
        Runtime.getRuntime().addShutdownHook(safetyNet);
        log.info("node {} running; send SIGTERM or press Ctrl-C to stop", config.nodeName());
        stopRequested.await();
        boolean clean = closeQuietly(broker);
        log.info("broker stopped");
        return clean ? FleetMqCli.OK : FleetMqCli.FAILURE;
    }

    private static boolean closeQuietly(AutoCloseable broker) {
        try {
            broker.close();
            return true;
        } catch (Exception e) {
            log.error("error during shutdown: {}", Failures.describe(e));
            return false;
        }
    }

    private void logConfigSource(BrokerConfig config) {
        int overrides = sets.size();
        long envOverrides = parent.env().keySet().stream()
                .filter(k -> k.startsWith(ConfigSchema.ENV_PREFIX) && !ConfigSchema.LAUNCHER_ENV.contains(k))
                .count();
        String extras = (envOverrides > 0 ? ", " + envOverrides + " FLEETMQ_* environment override(s)" : "")
                + (overrides > 0 ? ", " + overrides + " --set override(s)" : "");
        TcpListenerConfig tcp = config.listeners().tcp();
        if ("defaults".equals(config.source())) {
            log.warn("no config file: development defaults{}, listening on {}:{} with anonymous access {}",
                    extras, tcp.bind(), tcp.port(), config.auth().allowAnonymous() ? "ALLOWED" : "denied");
        } else {
            log.info("config: {}{}", config.source(), extras);
            if (config.auth().allowAnonymous()) {
                log.warn("auth.allowAnonymous is true: clients may connect without credentials");
            }
        }
    }
}
