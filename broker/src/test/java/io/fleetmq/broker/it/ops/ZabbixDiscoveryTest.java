package io.fleetmq.broker.it.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.fleetmq.broker.testing.BrokerJvm;
import io.fleetmq.broker.testing.ZabbixServer;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Zabbix path end to end against a real Zabbix 6.0 server (PostgreSQL, zabbix_server, the frontend's JSON-RPC
 * API): docs/dashboards/fleetmq-zabbix-discovery-template.yaml is imported through the API, a host is pointed at two
 * real broker processes, the discovery rule finds both "pods" and every discovered item receives values that are the
 * brokers' own (one MQTT client on one broker shows as 1 connection there and 0 on the other).
 *
 * <p>The one stand-in is the Kubernetes API, which cannot run here: a loopback HTTP server answers the Endpoints object
 * of the brokers' headless Service exactly as the API server does, and only with the service account's bearer token.
 * Each broker's HTTP listener is on its own loopback address and the same port, as pod IPs are in the cluster.
 */
class ZabbixDiscoveryTest {

    private static final Path TEMPLATE = Path.of("..", "docs", "dashboards", "fleetmq-zabbix-discovery-template.yaml");
    private static final String TOKEN = UUID.randomUUID().toString();
    private static final List<String> PODS = List.of("fleetmq-broker-0", "fleetmq-broker-1");
    private static final List<String> ADDRESSES = List.of("127.0.0.2", "127.0.0.3");

    @TempDir
    Path tmp;

    private final AtomicInteger authorized = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

    @Test
    void discoversEveryBrokerPodAndEveryDiscoveredItemReceivesTheBrokersValues() throws Exception {
        String missing = ZabbixServer.missing();
        Assumptions.assumeTrue(missing == null, "a real Zabbix 6.0 server cannot run here: " + missing);
        // PostgreSQL runs as user postgres, under this directory.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        int metricsPort = freePort();
        HttpServer kubeApi = kubernetesEndpointsApi();
        try (BrokerJvm b0 = broker(ADDRESSES.get(0), metricsPort);
             BrokerJvm b1 = broker(ADDRESSES.get(1), metricsPort);
             ZabbixServer zabbix = ZabbixServer.start(Files.createDirectory(tmp.resolve("zabbix")))) {
            int mqttPort = b0.awaitPort();
            b1.awaitPort();
            ObjectMapper json = zabbix.json();

            ObjectNode importParams = json.createObjectNode().put("format", "yaml")
                    .put("source", Files.readString(TEMPLATE));
            ObjectNode rules = importParams.putObject("rules");
            for (String rule : List.of("groups", "templates", "items", "discoveryRules", "triggers")) {
                rules.putObject(rule).put("createMissing", true).put("updateExisting", true);
            }
            assertThat(zabbix.call("configuration.import", importParams).asBoolean()).isTrue();
            String templateId = zabbix.call("template.get", json.readTree(
                    "{\"filter\": {\"host\": [\"FleetMQ brokers by Kubernetes discovery\"]}}")).get(0)
                    .get("templateid").asText();

            ObjectNode host = json.createObjectNode().put("host", "fleetmq-eks-test");
            host.putArray("groups").addObject().put("groupid", "2");
            host.putArray("templates").addObject().put("templateid", templateId);
            ArrayNode macros = host.putArray("macros");
            macro(macros, "{$FLEETMQ.KUBE.API.URL}", "http://127.0.0.1:" + kubeApi.getAddress().getPort(), 0);
            macro(macros, "{$FLEETMQ.KUBE.API.TOKEN}", TOKEN, 1);
            macro(macros, "{$FLEETMQ.METRICS.PORT}", String.valueOf(metricsPort), 0);
            macro(macros, "{$FLEETMQ.DISCOVERY.INTERVAL}", "5s", 0);
            macro(macros, "{$FLEETMQ.METRICS.INTERVAL}", "2s", 0);
            String hostId = zabbix.call("host.create", host).get("hostids").get(0).asText();

            // One client on broker 0 only: the discovered items must carry each broker's own value.
            MqttClient client = new MqttClient("tcp://127.0.0.1:" + mqttPort, "zabbix-probe", new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(true);
            client.connect(options);
            try {
                Map<String, String> expected = new HashMap<>();
                expected.put("fleetmq.pod.connections[fleetmq-broker-0]", "1");
                expected.put("fleetmq.pod.connections[fleetmq-broker-1]", "0");
                Map<String, JsonNode> items = new HashMap<>();
                zabbix.await("8 discovered items (2 pods x 4) with values, connections 1 on pod 0 and 0 on pod 1",
                        Duration.ofSeconds(120), () -> {
                            items.clear();
                            try {
                                JsonNode found = zabbix.call("item.get", json.readTree("{\"hostids\": [\"" + hostId
                                        + "\"], \"filter\": {\"flags\": 4}, \"output\": [\"key_\", \"lastvalue\", "
                                        + "\"lastclock\", \"state\", \"error\"]}"));
                                found.forEach(i -> items.put(i.get("key_").asText(), i));
                            } catch (IOException e) {
                                throw new IllegalStateException(e);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return true;
                            }
                            // The raw /metrics items keep no history (history 0, as in the template): their
                            // dependent items carry the values; a raw item that fails turns unsupported (state 1).
                            return items.size() == 8
                                    && items.values().stream().allMatch(i -> i.get("state").asInt() == 0)
                                    && items.values().stream().filter(i -> !i.get("key_").asText()
                                    .startsWith("fleetmq.pod.metrics[")).allMatch(i -> i.get("lastclock").asLong() > 0)
                                    && expected.entrySet().stream().allMatch(e -> items.containsKey(e.getKey())
                                    && e.getValue().equals(items.get(e.getKey()).get("lastvalue").asText()));
                        }, () -> items.values().stream().map(i -> i.get("key_").asText() + "="
                                + i.get("lastvalue").asText() + "@" + i.get("lastclock").asText() + " "
                                + i.get("error").asText()).toList() + "; Kubernetes API calls with the token: " + authorized + ", without: "
                                + refused);
                for (String pod : PODS) {
                    assertThat(items).containsKeys("fleetmq.pod.metrics[" + pod + "]",
                            "fleetmq.pod.connections[" + pod + "]", "fleetmq.pod.uptime[" + pod + "]",
                            "fleetmq.pod.cluster_members[" + pod + "]");
                    assertThat(items.get("fleetmq.pod.uptime[" + pod + "]").get("lastvalue").asDouble())
                            .isGreaterThan(0);
                    assertThat(items.get("fleetmq.pod.cluster_members[" + pod + "]").get("lastvalue").asInt())
                            .as("each broker alone in its cluster").isEqualTo(1);
                }
            } finally {
                client.disconnect();
                client.close();
            }
            // Every call Zabbix made to the Kubernetes API carried the service account's token.
            assertThat(authorized.get()).isPositive();
            assertThat(refused.get()).isZero();
            // The token is a secret macro: the API never hands its value back, not even to the admin.
            JsonNode tokenMacro = zabbix.call("usermacro.get", json.readTree("{\"hostids\": [\"" + hostId
                    + "\"], \"filter\": {\"macro\": \"{$FLEETMQ.KUBE.API.TOKEN}\"}}")).get(0);
            assertThat(tokenMacro.has("value")).as(tokenMacro.toString()).isFalse();
        } finally {
            kubeApi.stop(0);
        }
    }

    /** A broker whose /metrics is on {@code address}:{@code port}, like a pod's IP (INFO log: its MQTT port line). */
    private static BrokerJvm broker(String address, int port) throws IOException {
        return BrokerJvm.start(List.of(BrokerJvm.mainLogbackOption()), "http.bind=" + address, "http.port=" + port);
    }

    private static void macro(ArrayNode macros, String name, String value, int type) {
        macros.addObject().put("macro", name).put("value", value).put("type", type);
    }

    /** The Endpoints of Service fleetmq-broker-cluster in namespace fleetmq, as the Kubernetes API returns them. */
    private HttpServer kubernetesEndpointsApi() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        StringBuilder addresses = new StringBuilder();
        for (int i = 0; i < PODS.size(); i++) {
            addresses.append(i == 0 ? "" : ",").append("{\"ip\": \"").append(ADDRESSES.get(i))
                    .append("\", \"targetRef\": {\"kind\": \"Pod\", \"namespace\": \"fleetmq\", \"name\": \"")
                    .append(PODS.get(i)).append("\"}}");
        }
        byte[] endpoints = ("{\"kind\": \"Endpoints\", \"apiVersion\": \"v1\", \"metadata\": {\"name\": "
                + "\"fleetmq-broker-cluster\", \"namespace\": \"fleetmq\"}, \"subsets\": [{\"addresses\": ["
                + addresses + "], \"ports\": [{\"name\": \"jgroups\", \"port\": 7800, \"protocol\": \"TCP\"}]}]}")
                .getBytes(StandardCharsets.UTF_8);
        server.createContext("/api/v1/namespaces/fleetmq/endpoints/fleetmq-broker-cluster", exchange -> {
            boolean ok = ("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"));
            (ok ? authorized : refused).incrementAndGet();
            byte[] body = ok ? endpoints : "{\"kind\": \"Status\", \"code\": 401}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(ok ? 200 : 401, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
