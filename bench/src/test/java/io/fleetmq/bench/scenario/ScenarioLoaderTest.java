package io.fleetmq.bench.scenario;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Parsing and validation of scenario files: the shipped ones, and each kind of problem with its path and line. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ScenarioLoaderTest {

    private static final String VALID = """
            apiVersion: fleetmq.io/v1
            kind: BenchScenario
            metadata:
              name: t
            spec:
              brokers: [127.0.0.1:1883]
              subscribers:
                count: 10
                topic: t/all
                qos: 1
              publishers:
                count: 2
                topic: t/all
                messageLimit: 10
              duration: 1m
              slo:
                minReceiveRatio: 0.999
            """;

    private static ScenarioLoader.Loaded parse(String yaml) {
        return ScenarioLoader.parse("t.yaml", yaml);
    }

    @ParameterizedTest
    @ValueSource(strings = {"smoke.yaml", "seed-local.yaml", "seed-200k.yaml"})
    void shippedScenariosAreValid(String file) {
        ScenarioLoader.Loaded l = ScenarioLoader.load(Path.of("scenarios", file));

        assertThat(l.messages()).isEmpty();
        assertThat(l.scenario().apiVersion()).isEqualTo(Scenario.API_VERSION);
        assertThat(l.scenario().name()).isEqualTo(file.replace(".yaml", ""));
    }

    @Test
    void seed200kHasTheCaseStudyShape() {
        Scenario.Spec s = ScenarioLoader.load(Path.of("scenarios", "seed-200k.yaml")).scenario().spec();

        assertThat(s.brokers()).hasSize(3).allSatisfy(b -> assertThat(b.port()).isEqualTo(1883));
        assertThat(s.subscribers().count()).isEqualTo(200_000);
        assertThat(s.subscribers().workers()).isEqualTo(12);
        assertThat(s.subscribers().ifaddr()).hasSize(12).startsWith("10.0.1.10").endsWith("10.0.1.21");
        assertThat(s.publishers().count()).isEqualTo(10);
        assertThat(s.subscribers().qos()).isEqualTo(1);
        assertThat(s.publishers().qos()).isEqualTo(1);
        assertThat(s.slo().minReceiveRatio()).isEqualTo(0.99);
    }

    @Test
    void seedLocalLoadsTheThreeLocalClusterNodesWithinEachProcessFileLimit() {
        Scenario.Spec s = ScenarioLoader.load(Path.of("scenarios", "seed-local.yaml")).scenario().spec();

        // The nodes `./fleetmq cluster up` starts; 45,000 subscribers (the issue's minimum), 15,000 per node and per
        // bench worker, each below the 20,000 open files one process may hold.
        assertThat(s.brokers()).containsExactly(new Scenario.Endpoint("127.0.0.1", 21883),
                new Scenario.Endpoint("127.0.0.1", 21884), new Scenario.Endpoint("127.0.0.1", 21885));
        assertThat(s.subscribers().count()).isGreaterThanOrEqualTo(45_000);
        assertThat(s.subscribers().workers()).isEqualTo(3);
        assertThat(s.subscribers().count() / s.subscribers().workers()).isLessThan(19_000);
        assertThat(s.subscribers().ifaddr()).containsExactly("127.0.0.2", "127.0.0.3", "127.0.0.4");
        assertThat(s.publishers().count()).isEqualTo(10);
        assertThat(s.publishers().qos()).isEqualTo(1);
    }

    @Test
    void defaultsAndDurations() {
        Scenario sc = parse(VALID.replace("duration: 1m", "duration: 1m30s\n  warmup: 500ms")).scenario();

        assertThat(sc.spec().duration()).isEqualTo(Duration.ofSeconds(90));
        assertThat(sc.spec().warmup()).isEqualTo(Duration.ofMillis(500));
        assertThat(sc.spec().drain()).isEqualTo(Duration.ofSeconds(10));
        assertThat(sc.spec().subscribers().protocolVersion()).isEqualTo(5);
        assertThat(sc.spec().subscribers().cleanSession()).isTrue();
        assertThat(sc.spec().publishers().payloadSize()).isEqualTo(256);
        assertThat(sc.spec().slo().maxP99LatencyMs()).isNull();
    }

    @Test
    void badQosNamesPathAndLine() {
        ScenarioLoader.Loaded l = parse(VALID.replace("    qos: 1", "    qos: 3"));

        assertThat(l.ok()).isFalse();
        assertThat(l.messages()).containsExactly("t.yaml: spec.subscribers.qos: must be 0, 1 or 2, got 3 (line 10)");
    }

    @Test
    void unknownKeysAreErrors() {
        ScenarioLoader.Loaded l = parse(VALID.replace("    qos: 1", "    qos: 1\n    qso: 2"));

        assertThat(l.messages()).singleElement().asString()
                .startsWith("t.yaml: spec.subscribers.qso: unknown key").endsWith("(line 11)");
    }

    @Test
    void missingKindAndWrongApiVersionAreReportedTogether() {
        ScenarioLoader.Loaded l = parse(VALID.replace("kind: BenchScenario\n", "")
                .replace("fleetmq.io/v1", "fleetmq.io/v2"));

        assertThat(l.messages()).containsExactlyInAnyOrder(
                "t.yaml: kind: is required (line 1)",
                "t.yaml: apiVersion: must be fleetmq.io/v1, got 'fleetmq.io/v2' (line 1)");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        ScenarioLoader.Loaded l = parse(VALID.replace("count: 10", "count: ten")
                .replace("messageLimit: 10", "messageLimit: 10\n    payloadSize: 4")
                .replace("[127.0.0.1:1883]", "[127.0.0.1]")
                .replace("duration: 1m", "duration: soon")
                .replace("minReceiveRatio: 0.999", "minReceiveRatio: 1.5"));

        assertThat(l.messages()).containsExactlyInAnyOrder(
                "t.yaml: spec.brokers[0]: must be host:port with a port of 1..65535, got '127.0.0.1' (line 6)",
                "t.yaml: spec.subscribers.count: must be a whole number, got 'ten' (line 8)",
                "t.yaml: spec.publishers.payloadSize: must be 8..268435456 (8 bytes hold the timestamp), got 4 "
                        + "(line 15)",
                "t.yaml: spec.duration: must be a duration like 90s, 5m or 1m30s, got 'soon' (line 16)",
                "t.yaml: spec.slo.minReceiveRatio: must be above 0 and at most 1 (e.g. 0.999), got 1.5 (line 18)");
    }

    @Test
    void tooManySubscribersPerProcessAreRejected() {
        assertThat(parse(VALID.replace("count: 10", "count: 20000")).messages()).containsExactly(
                "t.yaml: spec.subscribers.workers: puts 20000 subscribers in one process, above the 19000 one process "
                        + "can hold (20,000 open files); use at least 2 (line 7)");
        assertThat(parse(VALID.replace("count: 10", "count: 20000\n    workers: 2")).messages()).isEmpty();
    }

    @Test
    void aSectionThatIsNotAMappingIsOneProblem() {
        assertThat(parse(VALID.substring(0, VALID.indexOf("spec:")) + "spec: 3\n").messages())
                .containsExactly("t.yaml: spec: must be a mapping, got '3' (line 5)");
    }

    @Test
    void impossibleLatencyThresholdIsRejected() {
        ScenarioLoader.Loaded l = parse(VALID.replace("minReceiveRatio: 0.999", "maxP99LatencyMs: 0.000001"));

        assertThat(l.messages()).singleElement().asString().contains("spec.slo.maxP99LatencyMs: must be at least");
    }

    @Test
    void templatedSubscriberTopicMustMapOneToOne() {
        assertThat(parse(VALID.replace("topic: t/all\n    qos", "topic: t/%i\n    qos")).messages())
                .singleElement().asString().contains("spec.subscribers.topic: uses %i, so it must equal");
        assertThat(parse(VALID.replace("t/all", "t/%i")).scenario().spec().subscribers().topic()).isEqualTo("t/%i");
        assertThat(parse(VALID.replace("t/all", "t/%i").replace("count: 2", "count: 11")
                .replace("messageLimit: 10", "messageLimit: 100")).messages())
                .singleElement().asString().contains("spec.publishers.count: must not exceed");
        assertThat(parse(VALID.replace("topic: t/all\n    qos", "topic: t/%c\n    qos")).messages())
                .singleElement().asString().contains("must not contain %c");
    }

    @Test
    void notYamlOrNotAMapping() {
        assertThat(parse("a: [1, 2").messages()).singleElement().asString().startsWith("t.yaml: not valid YAML");
        assertThat(parse("- 1\n").messages()).contains("t.yaml: must be a mapping, got a list (line 1)");
        assertThat(parse("").messages()).containsExactly("t.yaml: is empty");
    }

    @Test
    void deliveryRules() {
        assertThat(Delivery.of("a/+", "a/%i")).isEqualTo(Delivery.FAN_OUT);
        assertThat(Delivery.of("a/%i", "a/%i")).isEqualTo(Delivery.ONE_TO_ONE);
        assertThat(Delivery.FAN_OUT.expected(10, 100)).isEqualTo(1000);
        assertThat(Delivery.ONE_TO_ONE.expected(10, 100)).isEqualTo(10);
        assertThat(Delivery.filterMatches("a/#", "a/b/c")).isTrue();
        assertThat(Delivery.filterMatches("a/+", "a/b/c")).isFalse();
        assertThat(Delivery.filterMatches("a/b", "a/b")).isTrue();
    }

    @Test
    void clientsAreSpreadOverBrokers() {
        var one = new Scenario.Endpoint("a", 1883);
        var two = new Scenario.Endpoint("b", 1883);
        var other = new Scenario.Endpoint("c", 1884);

        assertThat(Fleet.slices(10, 2, java.util.List.of(one, two)))
                .containsExactly(new Fleet.Slice(0, 10, java.util.List.of("a", "b"), 1883, 2));
        assertThat(Fleet.slices(10, 1, java.util.List.of(one, other))).containsExactly(
                new Fleet.Slice(0, 5, java.util.List.of("a"), 1883, 1),
                new Fleet.Slice(5, 5, java.util.List.of("c"), 1884, 1));
        assertThat(Fleet.split(new Fleet.Slice(0, 5, java.util.List.of("a"), 1883, 2)))
                .extracting(Fleet.Slice::count).containsExactly(3, 2);
    }
}
