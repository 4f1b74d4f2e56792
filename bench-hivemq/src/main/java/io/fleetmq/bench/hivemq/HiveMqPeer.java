package io.fleetmq.bench.hivemq;

import com.hivemq.embedded.EmbeddedHiveMQ;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * HiveMQ CE, embedded, as the Java peer broker of {@code bench compare}: one JVM per broker, so its CPU and RSS are
 * read from /proc per process like FleetMQ's and Mosquitto's.
 *
 * <p>Usage: {@code HiveMqPeer CONFIG_DIR DATA_DIR}. {@code CONFIG_DIR} holds the config.xml written by
 * {@code bench compare} (listeners, in-memory persistence, limits); nothing else is read. The broker runs until this
 * process gets SIGTERM or its stdin closes (the parent died), then stops HiveMQ and exits 0.
 */
public final class HiveMqPeer {
    private static final long START_TIMEOUT_SECS = 120;
    private static final long STOP_TIMEOUT_SECS = 20;

    private HiveMqPeer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: HiveMqPeer CONFIG_DIR DATA_DIR");
            System.exit(2);
        }
        Path config = Path.of(args[0]).toAbsolutePath();
        Path data = Path.of(args[1]).toAbsolutePath();
        if (!Files.isRegularFile(config.resolve("config.xml"))) {
            System.err.println("HiveMqPeer: no config.xml in " + config);
            System.exit(2);
        }
        Files.createDirectories(data);
        Path extensions = Files.createDirectories(data.resolve("extensions")); // empty: no extension is loaded

        EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(config)
                .withDataFolder(data)
                .withExtensionsFolder(extensions)
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(hivemq), "hivemq-peer-stop"));
        hivemq.start().get(START_TIMEOUT_SECS, TimeUnit.SECONDS);
        System.out.println("HiveMqPeer: started");
        System.out.flush();

        // The parent holds our stdin open; EOF means it is gone, and an orphaned broker must not keep running.
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            while (in.readLine() != null) {
                // input is ignored; only its end matters
            }
        } catch (IOException e) {
            // stdin broken: treated as the parent's end
        }
        System.exit(0); // runs the shutdown hook
    }

    private static void stop(EmbeddedHiveMQ hivemq) {
        try {
            hivemq.stop().get(STOP_TIMEOUT_SECS, TimeUnit.SECONDS);
            hivemq.close();
        } catch (Exception e) {
            System.err.println("HiveMqPeer: stop failed: " + e);
        }
    }
}
