package io.fleetmq.bench.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * The rules a parsed scenario must follow beyond types: known apiVersion and kind, ranges, and the topic shapes the
 * receive ratio can be computed for ({@link Delivery}). Returns every problem; null sections (already reported by
 * the loader) are skipped.
 */
public final class ScenarioValidator {
    private static final long MAX_PAYLOAD = 256L * 1024 * 1024;
    /**
     * Connections one bench process can hold: a process may have at most 20,000 open files, and it needs a few
     * hundred for itself (class path, event loops, pipes to its workers).
     */
    static final int MAX_CLIENTS_PER_PROCESS = 19_000;

    private final List<Problem> problems = new ArrayList<>();
    private final ToIntFunction<String> lines;

    private ScenarioValidator(ToIntFunction<String> lines) {
        this.lines = lines;
    }

    /** @param lines the line of a YAML path (its nearest parent's when absent), 0 if unknown */
    public static List<Problem> validate(Scenario s, ToIntFunction<String> lines) {
        ScenarioValidator v = new ScenarioValidator(lines);
        v.check(s);
        return v.problems;
    }

    private void require(boolean ok, String path, String message) {
        if (!ok) {
            problems.add(new Problem(path, message, lines.applyAsInt(path)));
        }
    }

    private void check(Scenario s) {
        if (s.apiVersion() != null) {
            require(s.apiVersion().equals(Scenario.API_VERSION), "apiVersion",
                    "must be " + Scenario.API_VERSION + ", got '" + s.apiVersion() + "'");
        }
        if (s.kind() != null) {
            require(s.kind().equals(Scenario.KIND), "kind", "must be " + Scenario.KIND + ", got '" + s.kind() + "'");
        }
        if (s.name() != null) {
            require(s.name().matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?"), "metadata.name",
                    "must be 1..63 lower-case letters, digits and '-', got '" + s.name() + "'");
        }
        Scenario.Spec spec = s.spec();
        if (spec == null) {
            return;
        }
        if (spec.brokers() != null) {
            require(!spec.brokers().isEmpty(), "spec.brokers", "must list at least one host:port");
        }
        Scenario.Subscribers sub = spec.subscribers();
        if (sub != null) {
            subscribers(sub);
        }
        Scenario.Publishers pub = spec.publishers();
        if (pub != null) {
            publishers(pub);
        }
        if (sub != null && pub != null) {
            topics(sub, pub);
        }
        if (spec.duration() != null) {
            require(spec.duration().compareTo(Duration.ofSeconds(1)) >= 0, "spec.duration", "must be at least 1s");
            if (spec.warmup() != null) {
                require(spec.warmup().compareTo(spec.duration()) < 0, "spec.warmup",
                        "must be shorter than spec.duration (" + spec.duration().toSeconds() + "s)");
            }
        }
        if (spec.slo() != null) {
            slo(spec.slo());
        }
    }

    private void subscribers(Scenario.Subscribers s) {
        String p = "spec.subscribers.";
        require(s.count() >= 1, p + "count", "must be at least 1, got " + s.count());
        require(!s.topic().isBlank(), p + "topic", "must not be empty");
        require(s.qos() >= 0 && s.qos() <= 2, p + "qos", "must be 0, 1 or 2, got " + s.qos());
        require(s.protocolVersion() >= 3 && s.protocolVersion() <= 5, p + "protocolVersion",
                "must be 3 (3.1), 4 (3.1.1) or 5, got " + s.protocolVersion());
        require(s.sessionExpiry() >= 0 && s.sessionExpiry() <= 0xFFFFFFFFL, p + "sessionExpiry",
                "must be 0..4294967295, got " + s.sessionExpiry());
        require(s.sessionExpiry() == 0 || s.protocolVersion() == 5, p + "sessionExpiry",
                "needs protocolVersion 5");
        require(s.workers() >= 1 && s.workers() <= Math.max(1, s.count()), p + "workers",
                "must be 1..count (" + s.count() + "), got " + s.workers());
        if (s.workers() >= 1) {
            long perProcess = (s.count() + s.workers() - 1) / s.workers();
            require(perProcess <= MAX_CLIENTS_PER_PROCESS, p + "workers", "puts " + perProcess
                    + " subscribers in one process, above the " + MAX_CLIENTS_PER_PROCESS + " one process can hold "
                    + "(20,000 open files); use at least " + ((s.count() + MAX_CLIENTS_PER_PROCESS - 1)
                    / MAX_CLIENTS_PER_PROCESS));
        }
        require(s.connectRate() >= 0, p + "connectRate", "must not be negative (0 = unpaced)");
    }

    private void publishers(Scenario.Publishers s) {
        String p = "spec.publishers.";
        require(s.count() >= 1, p + "count", "must be at least 1, got " + s.count());
        require(!s.topic().isBlank(), p + "topic", "must not be empty");
        require(!s.topic().contains("+") && !s.topic().contains("#"), p + "topic",
                "must not contain wildcards, got '" + s.topic() + "'");
        require(s.qos() >= 0 && s.qos() <= 2, p + "qos", "must be 0, 1 or 2, got " + s.qos());
        require(s.protocolVersion() >= 3 && s.protocolVersion() <= 5, p + "protocolVersion",
                "must be 3 (3.1), 4 (3.1.1) or 5, got " + s.protocolVersion());
        require(s.payloadSize() >= 8 && s.payloadSize() <= MAX_PAYLOAD, p + "payloadSize",
                "must be 8..268435456 (8 bytes hold the timestamp), got " + s.payloadSize());
        require(s.intervalMs() >= 0, p + "intervalMs", "must not be negative (0 = as fast as inflight allows)");
        require(s.messageLimit() == 0 || s.messageLimit() >= s.count(), p + "messageLimit",
                "must be 0 (until spec.duration) or at least count (" + s.count() + "), got " + s.messageLimit());
        require(s.inflight() >= 0 && s.inflight() <= 65535, p + "inflight", "must be 0..65535, got " + s.inflight());
        require(s.workers() >= 1 && s.workers() <= Math.max(1, s.count()), p + "workers",
                "must be 1..count (" + s.count() + "), got " + s.workers());
        require(s.connectRate() >= 0, p + "connectRate", "must not be negative (0 = unpaced)");
    }

    private void topics(Scenario.Subscribers sub, Scenario.Publishers pub) {
        Delivery d = Delivery.of(sub.topic(), pub.topic());
        if (sub.topic().contains("%c")) {
            require(false, "spec.subscribers.topic", "must not contain %c: publishers cannot address a subscriber's "
                    + "client id; use a fixed filter (every subscriber gets every message) or %i");
        } else if (d == null) {
            require(false, "spec.subscribers.topic", "uses %i, so it must equal spec.publishers.topic (publisher n "
                    + "publishes to subscriber n's topic), got '" + sub.topic() + "' and '" + pub.topic() + "'");
        } else if (d == Delivery.ONE_TO_ONE) {
            require(pub.count() <= sub.count(), "spec.publishers.count", "must not exceed spec.subscribers.count ("
                    + sub.count() + ") when topics map %i one to one, got " + pub.count());
        }
    }

    private void slo(Scenario.Slo slo) {
        String p = "spec.slo";
        require(slo.minReceiveRatio() != null || slo.maxP99LatencyMs() != null || slo.maxConnectFailures() != null,
                p, "must set at least one of minReceiveRatio, maxP99LatencyMs, maxConnectFailures");
        if (slo.minReceiveRatio() != null) {
            require(slo.minReceiveRatio() > 0 && slo.minReceiveRatio() <= 1, p + ".minReceiveRatio",
                    "must be above 0 and at most 1 (e.g. 0.999), got " + slo.minReceiveRatio());
        }
        if (slo.maxP99LatencyMs() != null) {
            require(slo.maxP99LatencyMs() >= 0.001, p + ".maxP99LatencyMs",
                    "must be at least 0.001 (latency resolution is 1 microsecond), got " + slo.maxP99LatencyMs());
        }
        if (slo.maxConnectFailures() != null) {
            require(slo.maxConnectFailures() >= 0, p + ".maxConnectFailures",
                    "must not be negative, got " + slo.maxConnectFailures());
        }
    }
}
