package io.fleetmq.broker.it.ops;

import io.fleetmq.broker.config.AuthConfig;
import io.fleetmq.broker.config.BrokerConfig;
import io.fleetmq.broker.config.SessionsConfig;
import io.fleetmq.broker.config.SysConfig;
import io.fleetmq.broker.testing.TestBroker;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Refused CONNECTs, dropped deliveries and lost connections show up in /metrics under the right reason. */
class DropAndRefusalMetricsTest {

    @Test
    void refusedAnonymousConnectCountsAsAuthFailureAndConnectRefused() {
        try (TestBroker broker = TestBroker.start(c -> c.withAuth(new AuthConfig(false)))) {
            OpsHttp http = new OpsHttp(broker);

            assertThatThrownBy(() -> Clients.connect(broker, "no-credentials", true))
                    .isInstanceOf(MqttException.class);

            Clients.await(Duration.ofSeconds(5), "connect_refused counted", () -> http.metrics()
                    .value("fleetmq_connections_closed_total", "reason", "connect_refused") == 1.0);
            PrometheusText m = http.metrics();
            assertThat(m.value("fleetmq_auth_failures_total")).isEqualTo(1.0);
            assertThat(m.value("fleetmq_connections")).isZero();
            assertThat(m.value("fleetmq_clients_connected_total")).isZero();
        }
    }

    @Test
    void offlineSessionQueueOverflowIsCountedAsQueueFullAndQueuedDepthIsShown() throws Exception {
        try (TestBroker broker = TestBroker.start(c -> c.withSys(new SysConfig(false, Duration.ofSeconds(10)))
                .withSessions(new SessionsConfig(3600, 32, 2, false)))) {
            OpsHttp http = new OpsHttp(broker);
            MqttClient sub = Clients.connect(broker, "offline-sub", false);
            sub.subscribe("q/#", 1);
            sub.disconnect();
            sub.close();
            MqttClient pub = Clients.connect(broker, "q-pub", true);
            try {
                for (int i = 0; i < 5; i++) {
                    MqttMessage msg = new MqttMessage(("m" + i).getBytes());
                    msg.setQos(1);
                    pub.publish("q/a", msg);
                }

                PrometheusText m = http.metrics();
                assertThat(m.sum("fleetmq_messages_dropped_total", "reason", "queue_full")).isEqualTo(3.0);
                assertThat(m.value("fleetmq_messages_dropped_total", "reason", "queue_full", "qos", "1")).isEqualTo(3.0);
                assertThat(m.value("fleetmq_sessions_persistent")).isEqualTo(1.0);
                // The session census is at most a second old.
                Clients.await(Duration.ofSeconds(5), "2 messages queued",
                        () -> http.metrics().value("fleetmq_queued_messages") == 2.0);
            } finally {
                Clients.closeQuietly(pub);
            }
        }
    }

    @Test
    void socketClosedWithoutDisconnectCountsAsConnectionLost() throws Exception {
        try (TestBroker broker = TestBroker.start()) {
            OpsHttp http = new OpsHttp(broker);
            try (Socket s = new Socket("127.0.0.1", broker.port())) {
                OutputStream out = s.getOutputStream();
                // CONNECT, MQTT 3.1.1, clean session, keep alive 60, client id "lost-1" (bytes commented per field)
                out.write(new byte[] {
                    0x10, 18,                               // CONNECT, remaining length 18
                    0x00, 0x04, 'M', 'Q', 'T', 'T',         // protocol name
                    0x04,                                   // level 4 = 3.1.1
                    0x02,                                   // flags: clean session
                    0x00, 0x3C,                             // keep alive 60 s
                    0x00, 0x06, 'l', 'o', 's', 't', '-', '1'}); // client id
                out.flush();
                byte[] connack = s.getInputStream().readNBytes(4);
                assertThat(connack).containsExactly(0x20, 0x02, 0x00, 0x00);
                assertThat(http.metrics().value("fleetmq_connections")).isEqualTo(1.0);
            }

            Clients.await(Duration.ofSeconds(5), "connection_lost counted", () -> http.metrics()
                    .value("fleetmq_connections_closed_total", "reason", "connection_lost") == 1.0);
            assertThat(http.metrics().value("fleetmq_connections")).isZero();
        }
    }
}
