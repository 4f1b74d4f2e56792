package io.fleetmq.broker.cli;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real start path: {@code fleetmq broker} as its own JVM process, stopped with SIGTERM. A connected v5 client
 * must receive DISCONNECT 0x8B (Server shutting down) and the process must exit 0 within the grace period.
 */
class BrokerProcessSigtermTest {
    private static final Pattern LISTENER = Pattern.compile("MQTT listener on tcp://127\\.0\\.0\\.1:(\\d+)");

    @Test
    void sigtermDisconnectsV5ClientsWithServerShuttingDownAndExitsZero() throws Exception {
        Path mainLogback = Path.of("target", "classes", "logback.xml").toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlogback.configurationFile=" + mainLogback,
                "-cp", System.getProperty("java.class.path"),
                FleetMqCli.class.getName(), "broker",
                "--set", "listeners.tcp.port=0", "--set", "http.port=0", "--set", "shutdown.gracePeriod=5s")
                .redirectErrorStream(true);
        Process process = pb.start();
        List<String> output = new ArrayList<>();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (output) {
                        output.add(line);
                    }
                    Matcher m = LISTENER.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (Exception ignored) {
                // stream closed when the process ends
            }
            port.completeExceptionally(new IllegalStateException("broker ended before listening: " + output));
        });
        reader.start();
        try {
            int brokerPort = port.get(30, TimeUnit.SECONDS);
            CompletableFuture<Integer> disconnectReason = new CompletableFuture<>();
            MqttClient client = new MqttClient("tcp://127.0.0.1:" + brokerPort, "sigterm-probe",
                    new MemoryPersistence());
            client.setCallback(new MqttCallback() {
                @Override
                public void disconnected(MqttDisconnectResponse response) {
                    disconnectReason.complete(response.getReturnCode());
                }

                @Override
                public void mqttErrorOccurred(MqttException exception) {
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                }

                @Override
                public void deliveryComplete(IMqttToken token) {
                }

                @Override
                public void connectComplete(boolean reconnect, String serverURI) {
                }

                @Override
                public void authPacketArrived(int reasonCode, MqttProperties properties) {
                }
            });
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setAutomaticReconnect(false);
            client.connect(options);

            // SIGTERM through the handle: Process.destroy() would also close our end of its output pipe.
            process.toHandle().destroy();

            assertThat(disconnectReason.get(10, TimeUnit.SECONDS)).isEqualTo(0x8B);
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("process exited").isTrue();
            assertThat(process.exitValue()).isZero();
            reader.join(5000); // the last log lines are read after the process ended
            synchronized (output) {
                assertThat(output).anyMatch(l -> l.contains("shutting down: 1 client connections"));
            }
            client.close(true);
        } finally {
            process.destroyForcibly();
            reader.join(5000);
        }
    }
}
