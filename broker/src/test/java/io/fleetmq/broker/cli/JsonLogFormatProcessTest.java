package io.fleetmq.broker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
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
 * {@code fleetmq broker --set log.format=json} as its own JVM: after the configuration is read every stdout line is
 * one JSON object, and the lines about a client carry its client id and address as fields.
 */
class JsonLogFormatProcessTest {
    private static final Pattern LISTENER = Pattern.compile("MQTT listener on tcp://127\\.0\\.0\\.1:(\\d+)");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void everyLineIsJsonAndConnectionLinesCarryClientIdAndAddress() throws Exception {
        // No -Dlogback.configurationFile: that would (by design) take precedence over log.format.
        Process process = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                FleetMqCli.class.getName(), "broker",
                "--set", "log.format=json", "--set", "listeners.tcp.port=0", "--set", "http.port=0")
                .redirectErrorStream(true)
                .start();
        List<String> lines = new ArrayList<>();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                    Matcher m = LISTENER.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (Exception ignored) {
                // stream closed when the process ends
            }
            port.completeExceptionally(new IllegalStateException("broker ended before listening: " + lines));
        });
        reader.start();
        try {
            MqttClient client = new MqttClient("tcp://127.0.0.1:" + port.get(30, TimeUnit.SECONDS), "json-logged",
                    new MemoryPersistence());
            MqttConnectOptions o = new MqttConnectOptions();
            o.setAutomaticReconnect(false);
            client.connect(o);
            client.disconnect();
            client.close();

            process.toHandle().destroy();
            assertThat(process.waitFor(15, TimeUnit.SECONDS)).as("process exited").isTrue();
            assertThat(process.exitValue()).isZero();
            reader.join(5000);

            List<JsonNode> events = new ArrayList<>();
            synchronized (lines) {
                assertThat(lines).hasSizeGreaterThan(4);
                for (String line : lines) {
                    JsonNode event = MAPPER.readTree(line); // throws (fails the test) on a non-JSON line
                    assertThat(event.isObject()).as(line).isTrue();
                    assertThat(event.has("@timestamp") && event.has("level") && event.has("message")).as(line)
                            .isTrue();
                    events.add(event);
                }
            }
            List<JsonNode> aboutClient = events.stream()
                    .filter(e -> e.get("message").asText().contains("client=json-logged")).toList();
            assertThat(aboutClient).extracting(e -> e.get("message").asText())
                    .anyMatch(m -> m.contains("connected")).anyMatch(m -> m.contains("disconnected"));
            assertThat(aboutClient).allSatisfy(e -> {
                assertThat(e.get("clientId").asText()).isEqualTo("json-logged");
                assertThat(e.get("remoteAddress").asText()).matches("127\\.0\\.0\\.1:\\d+");
            });
        } finally {
            process.destroyForcibly();
            reader.join(5000);
        }
    }
}
