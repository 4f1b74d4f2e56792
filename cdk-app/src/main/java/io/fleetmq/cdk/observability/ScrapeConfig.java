package io.fleetmq.cdk.observability;

import io.fleetmq.cdk.broker.BrokerWorkload;
import io.fleetmq.cdk.contract.BrokerContract;

/**
 * The Prometheus scrape configuration of the managed collector: broker pods (annotation {@code prometheus.io/scrape}
 * and the container port named {@code http}) and the node exporter the golden AMI runs on every node (port 9100).
 */
public final class ScrapeConfig {

    /** Node exporter port on the golden EKS-node AMI (role fleetmq_node_exporter). */
    public static final int NODE_EXPORTER_PORT = 9100;
    public static final String SCRAPE_INTERVAL = "30s";

    private ScrapeConfig() {
    }

    public static String yaml() {
        return String.join("\n",
                "global:",
                "  scrape_interval: " + SCRAPE_INTERVAL,
                "scrape_configs:",
                "  - job_name: fleetmq-broker",
                "    metrics_path: " + BrokerContract.METRICS_PATH,
                "    kubernetes_sd_configs:",
                "      - role: pod",
                "        namespaces:",
                "          names: [" + BrokerWorkload.NAMESPACE + "]",
                "    relabel_configs:",
                "      - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape]",
                "        action: keep",
                "        regex: \"true\"",
                "      - source_labels: [__meta_kubernetes_pod_container_port_name]",
                "        action: keep",
                "        regex: http",
                // namespace and pod labels: the Prometheus adapter maps the series to pods through them.
                "      - source_labels: [__meta_kubernetes_namespace]",
                "        target_label: namespace",
                "      - source_labels: [__meta_kubernetes_pod_name]",
                "        target_label: pod",
                "      - source_labels: [__meta_kubernetes_pod_node_name]",
                "        target_label: kubernetes_node",
                "  - job_name: node-exporter",
                "    kubernetes_sd_configs:",
                "      - role: node",
                "    relabel_configs:",
                "      - source_labels: [__address__]",
                "        regex: '([^:]+):\\d+'",
                "        replacement: '${1}:" + NODE_EXPORTER_PORT + "'",
                "        target_label: __address__",
                "      - source_labels: [__meta_kubernetes_node_name]",
                "        target_label: node",
                "");
    }
}
