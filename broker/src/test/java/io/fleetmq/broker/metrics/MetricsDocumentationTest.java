package io.fleetmq.broker.metrics;

import io.fleetmq.broker.FleetMqBroker;
import io.fleetmq.broker.config.BrokerConfig;
import io.fleetmq.broker.config.HttpConfig;
import io.fleetmq.broker.config.ListenersConfig;
import io.fleetmq.broker.config.TcpListenerConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Keeps docs/metrics.md in step with the {@link Metric} catalogue and with what a broker really exports. */
class MetricsDocumentationTest {

    private static String doc() throws IOException {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("docs/metrics.md"))) {
                return Files.readString(p.resolve("docs/metrics.md"));
            }
        }
        throw new IllegalStateException("docs/metrics.md not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void catalogueTableIsThePagesTable() throws IOException {
        assertThat(doc()).as("docs/metrics.md; regenerate from Metric.markdownTable()")
                .contains(Metric.markdownTable());
    }

    @Test
    void reasonTablesAreThePagesTables() throws IOException {
        assertThat(doc()).as("docs/metrics.md; regenerate from Metric.reasonTables()").contains(Metric.reasonTables());
    }

    @Test
    void everyFleetmqNameOnThePageIsInTheCatalogue() throws IOException {
        Set<String> catalogue = new TreeSet<>();
        for (Metric m : Metric.values()) {
            catalogue.add(m.prometheusName());
        }
        Matcher names = Pattern.compile("`(fleetmq_[a-z_]+)").matcher(doc());
        while (names.find()) {
            String n = names.group(1);
            assertThat(catalogue).as("documented but not in Metric: " + n)
                    .anyMatch(c -> n.equals(c) || n.startsWith(c + "_"));
        }
    }

    @Test
    void everyMetricCarriesAnEmqxMappingOrSaysThereIsNone() {
        for (Metric m : Metric.values()) {
            assertThat(m.emqx()).as(m.prometheusName()).matches("(emqx_[a-z0-9_]+|—).*");
        }
    }

    @Test
    void everyJvmAndProcessFamilyARunningBrokerExportsIsDocumented() throws Exception {
        String doc = doc();
        FleetMqBroker broker = FleetMqBroker.start(BrokerConfig.defaults()
                .withListeners(new ListenersConfig(new TcpListenerConfig(true, "127.0.0.1", 0)))
                .withHttp(new HttpConfig(false, "127.0.0.1", 0, "")));
        try {
            Matcher types = Pattern.compile("(?m)^# TYPE ([a-z_]+) ").matcher(broker.metrics().scrape());
            int families = 0;
            while (types.find()) {
                String family = types.group(1);
                if (!family.startsWith("fleetmq_")) {
                    families++;
                    assertThat(doc).as("docs/metrics.md lists " + family).contains("`" + family + "`");
                }
            }
            assertThat(families).isGreaterThan(10);
        } finally {
            broker.close();
        }
    }
}
