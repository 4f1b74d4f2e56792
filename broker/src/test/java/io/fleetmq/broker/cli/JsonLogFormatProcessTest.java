package io.fleetmq.broker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetmq.broker.testing.BrokerJvm;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code fleetmq broker --set log.format=json} as its own JVM: after the configuration is read every stdout line is
 * one JSON object, and the lines about a client carry its client id and address as fields.
 */
class JsonLogFormatProcessTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void everyLineIsJsonAndConnectionLinesCarryClientIdAndAddress() throws Exception {
        // No -Dlogback.configurationFile: that would (by design) take precedence over log.format.
        try (BrokerJvm broker = BrokerJvm.start(List.of(), "log.format=json")) {
            MqttClient client = new MqttClient("tcp://127.0.0.1:" + broker.awaitPort(), "json-logged",
                    new MemoryPersistence());
            MqttConnectOptions o = new MqttConnectOptions();
            o.setAutomaticReconnect(false);
            client.connect(o);
            client.disconnect();
            client.close();

            assertThat(broker.sigterm(15)).as("process exited 0").isZero();

            List<JsonNode> events = new ArrayList<>();
            List<String> lines = broker.lines();
            assertThat(lines).hasSizeGreaterThan(4);
            for (String line : lines) {
                JsonNode event = MAPPER.readTree(line); // throws (fails the test) on a non-JSON line
                assertThat(event.isObject()).as(line).isTrue();
                assertThat(event.has("@timestamp") && event.has("level") && event.has("message")).as(line).isTrue();
                events.add(event);
            }
            List<JsonNode> aboutClient = events.stream()
                    .filter(e -> e.get("message").asText().contains("client=json-logged")).toList();
            assertThat(aboutClient).extracting(e -> e.get("message").asText())
                    .anyMatch(m -> m.contains("connected")).anyMatch(m -> m.contains("disconnected"));
            assertThat(aboutClient).allSatisfy(e -> {
                assertThat(e.get("clientId").asText()).isEqualTo("json-logged");
                assertThat(e.get("remoteAddress").asText()).matches("127\\.0\\.0\\.1:\\d+");
            });
        }
    }
}
