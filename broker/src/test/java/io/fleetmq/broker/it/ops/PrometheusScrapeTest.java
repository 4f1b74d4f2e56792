package io.fleetmq.broker.it.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetmq.broker.testing.TestBroker;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real Prometheus server (Debian's {@code prometheus} package) scrapes a running broker on loopback: the scrape
 * must succeed and a PromQL query must return what the test did (N clients connected gives N). Skipped, saying
 * why, when the binary is not installed; {@code .ci/run} installs it.
 */
class PrometheusScrapeTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int CLIENTS = 4;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void prometheusScrapesTheBrokerAndCountsConnectedClients() throws Exception {
        Optional<Path> binary = onPath("prometheus");
        Assumptions.assumeTrue(binary.isPresent(),
                "the prometheus binary is not installed (apt-get install prometheus); this test needs the real one");

        try (TestBroker broker = TestBroker.start(c -> c.withNodeName("prom-node"))) {
            int metricsPort = broker.broker().httpAddress().getPort();
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                      evaluation_interval: 1s
                    scrape_configs:
                      - job_name: fleetmq
                        scrape_interval: 1s
                        scrape_timeout: 1s
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(metricsPort));
            int webPort = freePort();
            Process prometheus = new ProcessBuilder(binary.get().toString(),
                    "--config.file=" + config,
                    "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + webPort,
                    "--log.level=warn")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("prometheus.log").toFile())
                    .start();
            String api = "http://127.0.0.1:" + webPort;
            List<MqttClient> clients = new ArrayList<>();
            try {
                Clients.await(Duration.ofSeconds(60), "prometheus ready on port " + webPort + " (log: "
                        + log() + ")", () -> prometheus.isAlive() && status(api + "/-/ready") == 200);
                for (int i = 0; i < CLIENTS; i++) {
                    clients.add(Clients.connect(broker, "prom-client-" + i, true));
                }

                Clients.await(Duration.ofSeconds(60), "fleetmq_connections = " + CLIENTS + " in Prometheus",
                        () -> queryValue(api, "fleetmq_connections{job=\"fleetmq\",node=\"prom-node\"}")
                                .map(v -> v == CLIENTS).orElse(false));
                assertThat(queryValue(api, "up{job=\"fleetmq\"}")).hasValue(1.0);
                JsonNode target = get(api + "/api/v1/targets").get("data").get("activeTargets").get(0);
                assertThat(target.get("health").asText()).isEqualTo("up");
                assertThat(target.get("lastError").asText()).isEmpty();

                // And back down when clients leave: the numbers follow what happened, not a constant.
                Clients.closeQuietly(clients.remove(0));
                Clients.await(Duration.ofSeconds(60), "fleetmq_connections = " + (CLIENTS - 1) + " in Prometheus",
                        () -> queryValue(api, "fleetmq_connections{node=\"prom-node\"}")
                                .map(v -> v == CLIENTS - 1).orElse(false));
            } finally {
                clients.forEach(Clients::closeQuietly);
                prometheus.destroy();
                if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                    prometheus.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("prometheus.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** The single value of an instant query, or empty while Prometheus has none yet. */
    private Optional<Double> queryValue(String api, String promql) {
        JsonNode body = get(api + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        if (body == null || !"success".equals(body.path("status").asText())) {
            return Optional.empty();
        }
        JsonNode result = body.get("data").get("result");
        if (result.size() != 1) {
            return Optional.empty();
        }
        return Optional.of(Double.parseDouble(result.get(0).get("value").get(1).asText()));
    }

    private JsonNode get(String url) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? MAPPER.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private int status(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** A port that was free a moment ago; Prometheus has no "port 0" with a way to learn the port it got. */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static Optional<Path> onPath(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
