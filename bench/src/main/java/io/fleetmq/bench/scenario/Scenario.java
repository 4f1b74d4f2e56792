package io.fleetmq.bench.scenario;

import java.time.Duration;
import java.util.List;

/**
 * A parsed and validated scenario file ({@code apiVersion: fleetmq.io/v1}, {@code kind: BenchScenario}). Immutable;
 * {@link ScenarioLoader} builds it and only hands it out when the {@link ScenarioValidator} found no problem.
 */
public record Scenario(String apiVersion, String kind, String name, Spec spec) {
    public static final String API_VERSION = "fleetmq.io/v1";
    public static final String KIND = "BenchScenario";

    /** {@code spec}: where, who, how long, and the thresholds that decide the exit code. */
    public record Spec(List<Endpoint> brokers, Subscribers subscribers, Publishers publishers, Duration duration,
                       Duration warmup, Duration drain, Slo slo) {
        public Spec {
            brokers = brokers == null ? null : List.copyOf(brokers);
        }
    }

    /** One broker endpoint, {@code host:port}. */
    public record Endpoint(String host, int port) {
        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /**
     * {@code spec.subscribers}. {@code topic} may hold {@code %i} (the subscriber's number, 0-based) and {@code %c}
     * (its client id); {@code ifaddr} is already expanded from ranges; {@code connectRate} 0 = unpaced.
     */
    public record Subscribers(int count, String topic, int qos, int protocolVersion, boolean cleanSession,
                              long sessionExpiry, int workers, List<String> ifaddr, int connectRate) {
        public Subscribers {
            ifaddr = ifaddr == null ? List.of() : List.copyOf(ifaddr);
        }
    }

    /** {@code spec.publishers}. {@code messageLimit} is the total over all publishers (0 = until duration). */
    public record Publishers(int count, String topic, int qos, int protocolVersion, int payloadSize, long intervalMs,
                             long messageLimit, int inflight, int workers, int connectRate) {
    }

    /** {@code spec.slo}: a null threshold is not checked. */
    public record Slo(Double minReceiveRatio, Double maxP99LatencyMs, Long maxConnectFailures) {
    }
}
