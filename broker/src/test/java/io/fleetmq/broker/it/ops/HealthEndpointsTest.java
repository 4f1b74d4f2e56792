package io.fleetmq.broker.it.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetmq.broker.health.ReadinessCheck;
import io.fleetmq.broker.testing.TestBroker;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code /healthz} and {@code /readyz} as a Kubernetes probe sees them, over real HTTP. */
class HealthEndpointsTest {

    @Test
    void healthzAnswersUpWhileTheProcessRuns() {
        try (TestBroker broker = TestBroker.start()) {
            OpsHttp.Answer a = new OpsHttp(broker).get("/healthz");

            assertThat(a.status()).isEqualTo(200);
            assertThat(a.contentType()).isEqualTo("application/json");
            assertThat(a.json().get("status").asText()).isEqualTo("UP");
        }
    }

    @Test
    void readyzIsReadyOnceListenersAreBound() {
        try (TestBroker broker = TestBroker.start()) {
            OpsHttp.Answer a = new OpsHttp(broker).get("/readyz");

            assertThat(a.status()).isEqualTo(200);
            JsonNode body = a.json();
            assertThat(body.get("status").asText()).isEqualTo("READY");
            assertThat(body.get("failing")).isEmpty();
            assertThat(body.get("checks").get(0).get("name").asText()).isEqualTo("listeners");
            assertThat(body.get("checks").get(0).get("ready").asBoolean()).isTrue();
        }
    }

    @Test
    void readyzAnswers503NamingTheFailingCheckAndRecoversWhenItPasses() {
        try (TestBroker broker = TestBroker.start()) {
            OpsHttp http = new OpsHttp(broker);
            AtomicBoolean joined = new AtomicBoolean(false);
            // As the cluster layer will: a check of its own beside the built-in one.
            broker.broker().readiness().register(ReadinessCheck.of("cluster", joined::get));

            OpsHttp.Answer notReady = http.get("/readyz");
            assertThat(notReady.status()).isEqualTo(503);
            assertThat(notReady.json().get("status").asText()).isEqualTo("NOT_READY");
            assertThat(notReady.json().get("failing").toString()).isEqualTo("[\"cluster\"]");

            joined.set(true);
            assertThat(http.get("/readyz").status()).isEqualTo(200);
        }
    }

    @Test
    void aCheckThatThrowsCountsAsNotReady() {
        try (TestBroker broker = TestBroker.start()) {
            broker.broker().readiness().register(ReadinessCheck.of("broken", () -> {
                throw new IllegalStateException("cannot tell");
            }));

            OpsHttp.Answer a = new OpsHttp(broker).get("/readyz");

            assertThat(a.status()).isEqualTo(503);
            assertThat(a.json().get("failing").toString()).isEqualTo("[\"broken\"]");
        }
    }

    @Test
    void theListenersCheckFailsOnceTheNodeIsShuttingDown() {
        TestBroker broker = TestBroker.start();
        assertThat(new OpsHttp(broker).get("/readyz").status()).isEqualTo(200);

        // close() turns the check off before the grace period, so load balancers stop sending new clients.
        broker.close();

        assertThat(broker.broker().readiness().evaluate().failing()).containsExactly("listeners");
    }

    @Test
    void aRequestTheCodecCannotParseGets400WithAJsonError() throws Exception {
        try (TestBroker broker = TestBroker.start();
             java.net.Socket s = new java.net.Socket("127.0.0.1", broker.broker().httpAddress().getPort())) {
            // An initial line longer than the codec's 4096-byte limit.
            String request = "GET /" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n";
            s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            s.setSoTimeout(5000);
            String response = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);

            assertThat(response).startsWith("HTTP/1.1 400").contains("application/json")
                    .contains("\"error\":\"bad_request\"");
        }
    }

    @Test
    void aSecondCheckWithTheSameNameIsRefused() {
        try (TestBroker broker = TestBroker.start()) {
            ReadinessCheck dup = ReadinessCheck.of("listeners", () -> true);

            org.assertj.core.api.Assertions.assertThatThrownBy(() -> broker.broker().readiness().register(dup))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'listeners'");
        }
    }

    @Test
    void probesRefuseOtherMethodsAndUnknownPathsWithJsonErrors() {
        try (TestBroker broker = TestBroker.start()) {
            OpsHttp http = new OpsHttp(broker);
            String base = "http://127.0.0.1:" + broker.broker().httpAddress().getPort();

            OpsHttp.Answer post = http.send(HttpRequest.newBuilder(URI.create(base + "/healthz"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")));
            assertThat(post.status()).isEqualTo(405);
            assertThat(post.json().get("error").asText()).isEqualTo("method_not_allowed");
            assertThat(post.raw().headers().firstValue("Allow")).hasValue("GET");

            OpsHttp.Answer missing = http.get("/nope");
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.json().get("message").asText()).contains("/nope");
        }
    }
}
