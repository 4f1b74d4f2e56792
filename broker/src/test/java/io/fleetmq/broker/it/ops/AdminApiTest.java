package io.fleetmq.broker.it.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetmq.broker.config.HttpConfig;
import io.fleetmq.broker.testing.TestBroker;
import io.fleetmq.broker.testing.V5DisconnectRecorder;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The admin REST API over real HTTP, against clients connected with real MQTT clients. */
class AdminApiTest {
    private static final String TOKEN = "s3cret-admin-token";

    private static TestBroker start(String token) {
        return TestBroker.start(c -> c.withNodeName("admin-node").withHttp(new HttpConfig(true, "127.0.0.1", 0, token)));
    }

    @Test
    void withoutAConfiguredTokenEveryAdminRequestIsRefused() {
        try (TestBroker broker = start("")) {
            OpsHttp.Answer a = new OpsHttp(broker).get("/api/v1/clients", "anything");

            assertThat(a.status()).isEqualTo(403);
            assertThat(a.json().get("error").asText()).isEqualTo("admin_api_disabled");
            assertThat(a.json().get("message").asText()).contains("http.adminToken");
        }
    }

    @Test
    void missingOrWrongBearerTokenIs401() {
        try (TestBroker broker = start(TOKEN)) {
            OpsHttp http = new OpsHttp(broker);

            OpsHttp.Answer none = http.get("/api/v1/stats");
            assertThat(none.status()).isEqualTo(401);
            assertThat(none.raw().headers().firstValue("WWW-Authenticate")).get().asString().startsWith("Bearer");
            assertThat(none.json().get("message").asText()).contains("Authorization: Bearer");

            OpsHttp.Answer wrong = http.get("/api/v1/stats", TOKEN + "x");
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(wrong.json().get("message").asText()).isEqualTo("invalid bearer token");
        }
    }

    @Test
    void listsClientsPagedAndFilteredByClientIdPrefix() throws Exception {
        try (TestBroker broker = start(TOKEN)) {
            OpsHttp http = new OpsHttp(broker);
            List<MqttClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    clients.add(Clients.connect(broker, "truck-" + i, true));
                }
                clients.add(Clients.connect(broker, "van-1", true));

                JsonNode page1 = http.get("/api/v1/clients?clientIdPrefix=truck-&limit=2", TOKEN).json();
                assertThat(ids(page1)).containsExactly("truck-0", "truck-1");
                assertThat(page1.get("meta").get("count").asInt()).isEqualTo(5);
                assertThat(page1.get("meta").get("hasNext").asBoolean()).isTrue();

                JsonNode page3 = http.get("/api/v1/clients?clientIdPrefix=truck-&limit=2&page=3", TOKEN).json();
                assertThat(ids(page3)).containsExactly("truck-4");
                assertThat(page3.get("meta").get("hasNext").asBoolean()).isFalse();

                JsonNode all = http.get("/api/v1/clients", TOKEN).json();
                assertThat(ids(all)).containsExactly("truck-0", "truck-1", "truck-2", "truck-3", "truck-4", "van-1");
                assertThat(all.get("data").get(5).get("connected").asBoolean()).isTrue();
                assertThat(all.get("data").get(5).get("protocolVersion").asText()).isEqualTo("3.1.1");
            } finally {
                clients.forEach(Clients::closeQuietly);
            }
        }
    }

    @Test
    void showsOneClientsSessionWithSubscriptionsAddressAndProtocol() throws Exception {
        try (TestBroker broker = start(TOKEN)) {
            OpsHttp http = new OpsHttp(broker);
            MqttClient c = Clients.connect(broker, "sensor-7", false);
            try {
                c.subscribe("fleet/+/cmd", 1);

                OpsHttp.Answer a = http.get("/api/v1/clients/sensor-7", TOKEN);

                assertThat(a.status()).isEqualTo(200);
                JsonNode body = a.json();
                assertThat(body.get("clientId").asText()).isEqualTo("sensor-7");
                assertThat(body.get("connected").asBoolean()).isTrue();
                assertThat(body.get("address").asText()).matches("127\\.0\\.0\\.1:\\d+");
                assertThat(body.get("protocolVersion").asText()).isEqualTo("3.1.1");
                assertThat(body.get("sessionExpiryInterval").asLong()).isPositive();
                assertThat(body.get("inflight").asInt()).isZero();
                assertThat(body.get("queued").asInt()).isZero();
                assertThat(body.get("subscriptions").get(0).get("topicFilter").asText()).isEqualTo("fleet/+/cmd");
                assertThat(body.get("subscriptions").get(0).get("qos").asInt()).isEqualTo(1);
            } finally {
                Clients.closeQuietly(c);
            }
        }
    }

    @Test
    void deleteDisconnectsTheClientAndV5ClientsLearnItWasAnAdministrativeAction() throws Exception {
        try (TestBroker broker = start(TOKEN)) {
            OpsHttp http = new OpsHttp(broker);
            V5DisconnectRecorder disconnects = new V5DisconnectRecorder();
            org.eclipse.paho.mqttv5.client.MqttClient v5 = new org.eclipse.paho.mqttv5.client.MqttClient(
                    broker.uri(), "kick-me", new MemoryPersistence());
            v5.setCallback(disconnects);
            MqttConnectionOptions o = new MqttConnectionOptions();
            o.setAutomaticReconnect(false);
            v5.connect(o);
            try {
                assertThat(ids(http.get("/api/v1/clients?clientIdPrefix=kick", TOKEN).json()))
                        .containsExactly("kick-me");

                OpsHttp.Answer kicked = http.delete("/api/v1/clients/kick-me", TOKEN);

                assertThat(kicked.status()).isEqualTo(200);
                assertThat(kicked.json().get("disconnected").asBoolean()).isTrue();
                assertThat(disconnects.reason().get(5, TimeUnit.SECONDS)).isEqualTo(0x98);
                Clients.await(Duration.ofSeconds(5), "admin_kick counted",
                        () -> http.metrics().value("fleetmq_connections_closed_total", "reason", "admin_kick") == 1.0);
                assertThat(http.metrics().value("fleetmq_connections")).isZero();
            } finally {
                v5.close(true);
            }
        }
    }

    @Test
    void clientIdsWithSlashesAndSpacesAreAddressedUrlEncoded() throws Exception {
        try (TestBroker broker = start(TOKEN)) {
            MqttClient c = Clients.connect(broker, "site/7 pump%", true);
            try {
                OpsHttp.Answer a = new OpsHttp(broker).get("/api/v1/clients/site%2F7%20pump%25", TOKEN);

                assertThat(a.status()).isEqualTo(200);
                assertThat(a.json().get("clientId").asText()).isEqualTo("site/7 pump%");
            } finally {
                Clients.closeQuietly(c);
            }
        }
    }

    @Test
    void badRequestsGet4xxWithAJsonErrorNamingTheProblem() {
        try (TestBroker broker = start(TOKEN)) {
            OpsHttp http = new OpsHttp(broker);

            OpsHttp.Answer badLimit = http.get("/api/v1/clients?limit=5000", TOKEN);
            assertThat(badLimit.status()).isEqualTo(400);
            assertThat(badLimit.json().get("message").asText())
                    .isEqualTo("limit: must be an integer between 1 and 1000, got \"5000\"");

            OpsHttp.Answer badPage = http.get("/api/v1/clients?page=zero", TOKEN);
            assertThat(badPage.status()).isEqualTo(400);
            assertThat(badPage.json().get("message").asText()).startsWith("page: ");

            OpsHttp.Answer unknownParam = http.get("/api/v1/clients?prefix=x", TOKEN);
            assertThat(unknownParam.status()).isEqualTo(400);
            assertThat(unknownParam.json().get("message").asText()).contains("'prefix'");

            OpsHttp.Answer noClient = http.get("/api/v1/clients/ghost", TOKEN);
            assertThat(noClient.status()).isEqualTo(404);
            assertThat(noClient.json().get("error").asText()).isEqualTo("client_not_found");

            OpsHttp.Answer kickGhost = http.delete("/api/v1/clients/ghost", TOKEN);
            assertThat(kickGhost.status()).isEqualTo(404);

            OpsHttp.Answer wrongMethod = http.delete("/api/v1/stats", TOKEN);
            assertThat(wrongMethod.status()).isEqualTo(405);
            assertThat(wrongMethod.json().get("error").asText()).isEqualTo("method_not_allowed");

            OpsHttp.Answer unknown = http.get("/api/v2/clients", TOKEN);
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.json().get("message").asText()).contains("/api/v2/clients");
        }
    }

    @Test
    void nodeStatsAgreeWithWhatTheClientsDid() throws Exception {
        try (TestBroker broker = start(TOKEN)) {
            OpsHttp http = new OpsHttp(broker);
            MqttClient a = Clients.connect(broker, "stats-a", true);
            MqttClient b = Clients.connect(broker, "stats-b", true);
            try {
                a.subscribe("$share/g/stats/#", 0);
                JsonNode stats = http.get("/api/v1/stats", TOKEN).json();

                assertThat(stats.get("node").asText()).isEqualTo("admin-node");
                assertThat(stats.get("connections").asInt()).isEqualTo(2);
                assertThat(stats.get("sessions").asInt()).isEqualTo(2);
                assertThat(stats.get("subscriptions").asInt()).isEqualTo(1);
                assertThat(stats.get("sharedSubscriptions").asInt()).isEqualTo(1);
            } finally {
                Clients.closeQuietly(a);
                Clients.closeQuietly(b);
            }
        }
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("data").forEach(n -> ids.add(n.get("clientId").asText()));
        return ids;
    }
}
