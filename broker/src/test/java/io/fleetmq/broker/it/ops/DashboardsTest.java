package io.fleetmq.broker.it.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetmq.broker.testing.TestBroker;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Grafana dashboard and the Zabbix template in {@code docs/dashboards/} reference only metrics (and label values)
 * that a running broker exports: loaded from the files, checked against a real {@code /metrics}.
 */
class DashboardsTest {
    /** Metric names in PromQL: ours and the JVM/process ones from Micrometer's binders. */
    private static final Pattern METRIC = Pattern.compile("\\b((?:fleetmq|jvm|process|system)_[a-zA-Z0-9_]+)");
    private static final Pattern LABEL_MATCH = Pattern.compile("([a-z_]+)=\"([^\"]*)\"");

    private static PrometheusText exported;

    @BeforeAll
    static void scrapeARunningBroker() {
        try (TestBroker broker = TestBroker.start()) {
            exported = new OpsHttp(broker).metrics();
        }
    }

    private static Path dashboards() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("docs/dashboards"))) {
                return p.resolve("docs/dashboards");
            }
        }
        throw new IllegalStateException("docs/dashboards not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void grafanaDashboardQueriesOnlyExportedMetrics() throws IOException {
        JsonNode dash = new ObjectMapper().readTree(dashboards().resolve("fleetmq-grafana.json").toFile());
        List<String> exprs = new ArrayList<>();
        dash.findValues("expr").forEach(n -> exprs.add(n.asText()));
        dash.get("templating").get("list").forEach(v -> {
            if (v.has("definition")) {
                exprs.add(v.get("definition").asText());
            }
        });

        assertThat(exprs).hasSizeGreaterThan(10);
        Set<String> referenced = new TreeSet<>();
        for (String expr : exprs) {
            Set<String> names = metricNames(expr);
            assertThat(names).as("a metric in: " + expr).isNotEmpty();
            referenced.addAll(names);
        }
        assertThat(referenced).allSatisfy(n -> assertThat(exported.names()).as("exported").contains(n));
        // Covers what the issue asks for: connections, throughput, drops, latency and nodes.
        assertThat(referenced).contains("fleetmq_connections", "fleetmq_messages_received_total",
                "fleetmq_messages_dropped_total", "fleetmq_delivery_latency_seconds_bucket", "fleetmq_uptime_seconds");
    }

    @Test
    void zabbixTemplateItemsReadOnlyExportedMetrics() throws IOException {
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        Map<String, Object> doc = yaml.load(Files.readString(dashboards().resolve("fleetmq-zabbix-template.yaml")));
        Map<String, Object> export = map(doc.get("zabbix_export"));
        Map<String, Object> template = map(list(export.get("templates")).get(0));

        List<String> patterns = new ArrayList<>();
        for (Object o : list(template.get("items"))) {
            Map<String, Object> item = map(o);
            if (!"DEPENDENT".equals(item.get("type"))) {
                continue;
            }
            Map<String, Object> first = map(list(item.get("preprocessing")).get(0));
            assertThat(first.get("type")).as(item.get("key") + " reads /metrics").isEqualTo("PROMETHEUS_PATTERN");
            patterns.add((String) list(first.get("parameters")).get(0));
        }

        assertThat(patterns).hasSizeGreaterThan(10);
        for (String pattern : patterns) {
            String name = pattern.contains("{") ? pattern.substring(0, pattern.indexOf('{')) : pattern;
            List<String> labelPairs = new ArrayList<>();
            Matcher m = LABEL_MATCH.matcher(pattern);
            while (m.find()) {
                labelPairs.add(m.group(1));
                labelPairs.add(m.group(2));
            }
            assertThat(exported.find(name, labelPairs.toArray(String[]::new)))
                    .as("a sample matching the Zabbix pattern " + pattern).isNotEmpty();
        }
    }

    private static Set<String> metricNames(String expr) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(expr);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return (List<Object>) o;
    }
}
