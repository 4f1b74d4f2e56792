package io.fleetmq.broker.it.ops;

import io.fleetmq.broker.config.SysConfig;
import io.fleetmq.broker.metrics.Metric;
import io.fleetmq.broker.testing.TestBroker;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code /metrics} of a real broker, read over HTTP while real Paho clients connect, publish and leave. */
class MetricsEndpointTest {

    private static TestBroker start() {
        // $SYS off: its retained publishes would count as unrouted messages and blur the message counts.
        return TestBroker.start(c -> c.withNodeName("ops-node-1").withSys(new SysConfig(false, Duration.ofSeconds(10))));
    }

    @Test
    void connectionsGaugeEqualsTheNumberOfConnectedClients() throws Exception {
        try (TestBroker broker = start()) {
            OpsHttp http = new OpsHttp(broker);
            List<MqttClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    clients.add(Clients.connect(broker, "gauge-" + i, true));
                }
                assertThat(http.metrics().value("fleetmq_connections", "node", "ops-node-1")).isEqualTo(5.0);

                Clients.closeQuietly(clients.remove(0));
                Clients.closeQuietly(clients.remove(0));
                Clients.await(Duration.ofSeconds(5), "fleetmq_connections back to 3",
                        () -> http.metrics().value("fleetmq_connections") == 3.0);
                PrometheusText m = http.metrics();
                assertThat(m.value("fleetmq_connections_closed_total", "reason", "normal")).isEqualTo(2.0);
                assertThat(m.value("fleetmq_clients_connected_total")).isEqualTo(5.0);
                assertThat(m.value("fleetmq_sessions")).isEqualTo(3.0);
            } finally {
                clients.forEach(Clients::closeQuietly);
            }
        }
    }

    @Test
    void everyCatalogueMetricIsExportedWithTheNodeTagAndNoOtherFleetmqMetric() {
        try (TestBroker broker = start()) {
            PrometheusText m = new OpsHttp(broker).metrics();

            for (Metric metric : Metric.values()) {
                if (metric.tags().contains("peer")) {
                    continue; // one series per other cluster node: none on a node alone (ClusterPeerQueuesTest)
                }
                String sample = metric.kind() == Metric.Kind.HISTOGRAM
                        ? metric.prometheusName() + "_count" : metric.prometheusName();
                assertThat(m.find(sample)).as(metric.prometheusName()).isNotEmpty()
                        .allSatisfy(s -> assertThat(s.labels()).containsEntry("node", "ops-node-1"));
            }
            List<String> catalogue = new ArrayList<>();
            for (Metric metric : Metric.values()) {
                catalogue.add(metric.prometheusName());
            }
            assertThat(m.names()).filteredOn(n -> n.startsWith("fleetmq_"))
                    .allSatisfy(n -> assertThat(catalogue).as("exported but not in Metric: " + n)
                            .anyMatch(c -> n.equals(c) || n.startsWith(c + "_")));
            // JVM and process metrics from Micrometer's binders, with the node tag too.
            assertThat(m.find("jvm_memory_used_bytes")).isNotEmpty()
                    .allSatisfy(s -> assertThat(s.labels()).containsEntry("node", "ops-node-1"));
            assertThat(m.names()).contains("process_cpu_usage", "jvm_threads_live_threads", "process_uptime_seconds");
        }
    }

    @Test
    void publishedAndDeliveredMessagesAreCountedByQosWithBytesAndLatency() throws Exception {
        try (TestBroker broker = start()) {
            OpsHttp http = new OpsHttp(broker);
            MqttClient sub = Clients.connect(broker, "counted-sub", true);
            MqttClient pub = Clients.connect(broker, "counted-pub", true);
            try {
                CountDownLatch got = new CountDownLatch(3);
                sub.subscribe("counted/#", 1, (topic, msg) -> got.countDown());
                for (int i = 0; i < 3; i++) {
                    MqttMessage msg = new MqttMessage(("m" + i).getBytes());
                    msg.setQos(1);
                    pub.publish("counted/a", msg);
                }
                MqttMessage unrouted = new MqttMessage("x".getBytes());
                unrouted.setQos(0);
                pub.publish("nobody/listens", unrouted);
                assertThat(got.await(10, TimeUnit.SECONDS)).as("subscriber got 3 messages").isTrue();

                PrometheusText m = http.metrics();
                assertThat(m.value("fleetmq_messages_received_total", "qos", "1")).isEqualTo(3.0);
                assertThat(m.value("fleetmq_messages_received_total", "qos", "0")).isEqualTo(1.0);
                assertThat(m.value("fleetmq_messages_sent_total", "qos", "1")).isEqualTo(3.0);
                assertThat(m.value("fleetmq_messages_unrouted_total")).isEqualTo(1.0);
                assertThat(m.value("fleetmq_delivery_latency_seconds_count")).isEqualTo(3.0);
                assertThat(m.value("fleetmq_delivery_latency_seconds_bucket", "le", "+Inf")).isEqualTo(3.0);
                assertThat(m.value("fleetmq_subscriptions")).isEqualTo(1.0);
                assertThat(m.value("fleetmq_bytes_received_total")).isGreaterThan(0.0);
                assertThat(m.value("fleetmq_bytes_sent_total")).isGreaterThan(0.0);
                assertThat(m.sum("fleetmq_messages_dropped_total")).isZero();
            } finally {
                Clients.closeQuietly(pub);
                Clients.closeQuietly(sub);
            }
        }
    }

    @Test
    void prometheusTextFormatIsServedWithItsContentType() {
        try (TestBroker broker = start()) {
            OpsHttp.Answer a = new OpsHttp(broker).get("/metrics");

            assertThat(a.status()).isEqualTo(200);
            assertThat(a.contentType()).startsWith("text/plain; version=0.0.4");
            assertThat(a.body()).contains("# TYPE fleetmq_connections gauge")
                    .contains("# TYPE fleetmq_messages_received_total counter")
                    .contains("# TYPE fleetmq_delivery_latency_seconds histogram");
        }
    }
}
