package io.fleetmq.broker.it.ops;

import io.fleetmq.broker.config.HttpConfig;
import io.fleetmq.broker.testing.ProxyHeaders;
import io.fleetmq.broker.testing.RawMqttClient;
import io.fleetmq.broker.testing.TestBroker;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Behind a load balancer that speaks PROXY protocol (the AWS NLB, HAProxy), the admin view shows each client's real
 * address, not the balancer's.
 */
class AdminViewRealAddressTest {
    private static final String TOKEN = "admin-secret";

    @Test
    void theAdminViewShowsTheAddressFromTheProxyHeader() throws Exception {
        try (TestBroker b = TestBroker.start(c -> c
                .withListeners(c.listeners().withTcp(c.listeners().tcp().withProxyProtocol(true)))
                .withHttp(new HttpConfig(true, "127.0.0.1", 0, TOKEN)));
             RawMqttClient device = RawMqttClient.open(b)) {
            device.sendRaw(ProxyHeaders.v2("198.51.100.23", 51515));
            assertThat(device.connect("panel-23", MqttVersion.MQTT_5, true, 30, null).variableHeader()
                    .connectReturnCode()).isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);

            OpsHttp http = new OpsHttp(b);
            OpsHttp.Answer one = http.get("/api/v1/clients/panel-23", TOKEN);
            assertThat(one.status()).as(one.body()).isEqualTo(200);
            assertThat(one.json().toString()).contains("198.51.100.23:51515");
            OpsHttp.Answer list = http.get("/api/v1/clients?clientIdPrefix=panel-", TOKEN);
            assertThat(list.body()).contains("198.51.100.23:51515").doesNotContain("127.0.0.1:");
        }
    }
}
