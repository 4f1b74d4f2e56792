package io.fleetmq.broker.jmh;

import io.fleetmq.broker.message.PublishMessage;
import io.fleetmq.broker.message.PublishProperties;
import io.fleetmq.broker.routing.InMemoryRetainedStore;
import io.fleetmq.broker.routing.MatchResult;
import io.fleetmq.broker.routing.Subscription;
import io.fleetmq.broker.routing.TopicTreeSubscriptionRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * {@link TopicTreeSubscriptionRegistry#match} (run for every PUBLISH) and {@link InMemoryRetainedStore#match} (run
 * for every SUBSCRIBE) on fleet-shaped data. Each scenario is its own {@link State}, so a benchmark method builds
 * only the data it uses. Topics rotate through 4,096 precomputed names so one hot trie path does not flatter the
 * score; each state checks its expected match count in setup.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class TopicMatchBenchmark {

    static final int DEVICES = 100_000;
    static final int SITES = 10_000;
    static final int SITE_MONITORS = 10;
    static final int FAN_OUT = 10_000;
    static final int RETAINED_SITES = 100;
    static final int RETAINED_PER_SITE = 1_000;
    static final int TOPICS = 4_096; // power of two: index with a mask

    /** Rotates through the precomputed topics. */
    abstract static class Topics {
        final String[] topics = new String[TOPICS];
        int next;

        String nextTopic() {
            return topics[next++ & (TOPICS - 1)];
        }

        void expect(MatchResult result, int count, String topic) {
            if (result.subscriptions().size() != count) {
                throw new IllegalStateException("setup: " + topic + " matched " + result.subscriptions().size()
                        + ", expected " + count);
            }
        }
    }

    /** (a) 100,000 devices, each subscribed to its own command topic {@code devices/<id>/cmd}; one match each. */
    @State(Scope.Thread)
    public static class PerDevice extends Topics {
        final TopicTreeSubscriptionRegistry registry = new TopicTreeSubscriptionRegistry();

        @Setup(Level.Trial)
        public void setUp() {
            for (int i = 0; i < DEVICES; i++) {
                registry.subscribe("device-" + i, new Subscription("devices/" + i + "/cmd", 1, false, false, 0, 0));
            }
            Random random = new Random(1);
            for (int i = 0; i < TOPICS; i++) {
                topics[i] = "devices/" + random.nextInt(DEVICES) + "/cmd";
                expect(registry.match(topics[i]), 1, topics[i]);
            }
        }
    }

    /**
     * (b) 10,000 site gateways subscribed to {@code site/<n>/+/alarm} plus 10 monitoring clients on {@code site/#};
     * an alarm topic {@code site/<n>/<device>/alarm} matches 1 + 10.
     */
    @State(Scope.Thread)
    public static class Wildcards extends Topics {
        final TopicTreeSubscriptionRegistry registry = new TopicTreeSubscriptionRegistry();

        @Setup(Level.Trial)
        public void setUp() {
            for (int n = 0; n < SITES; n++) {
                registry.subscribe("gateway-" + n, new Subscription("site/" + n + "/+/alarm", 1, false, false, 0, 0));
            }
            for (int m = 0; m < SITE_MONITORS; m++) {
                registry.subscribe("monitor-" + m, new Subscription("site/#", 0, false, false, 0, 0));
            }
            Random random = new Random(2);
            for (int i = 0; i < TOPICS; i++) {
                topics[i] = "site/" + random.nextInt(SITES) + "/sensor-" + random.nextInt(1_000) + "/alarm";
                expect(registry.match(topics[i]), 1 + SITE_MONITORS, topics[i]);
            }
        }
    }

    /** (c) one broadcast topic with 10,000 subscribers (a firmware announcement to a fleet). */
    @State(Scope.Thread)
    public static class FanOut {
        static final String TOPIC = "fleet/firmware/announce";
        final TopicTreeSubscriptionRegistry registry = new TopicTreeSubscriptionRegistry();

        @Setup(Level.Trial)
        public void setUp() {
            for (int i = 0; i < FAN_OUT; i++) {
                registry.subscribe("device-" + i, new Subscription(TOPIC, 1, false, false, 0, 0));
            }
            if (registry.match(TOPIC).subscriptions().size() != FAN_OUT) {
                throw new IllegalStateException("setup: fan-out");
            }
        }
    }

    /**
     * 100,000 retained status messages {@code site/<s>/<device>/status} (100 sites × 1,000 devices): a subscriber
     * to one site's statuses ({@code site/<s>/+/status}, 1,000 results) and a dashboard subscribing to all of them
     * ({@code site/+/+/status}, 100,000 results).
     */
    @State(Scope.Thread)
    public static class Retained {
        final InMemoryRetainedStore store = new InMemoryRetainedStore();
        final String[] siteFilters = new String[RETAINED_SITES];
        int next;

        @Setup(Level.Trial)
        public void setUp() {
            byte[] online = "{\"state\":\"online\"}".getBytes(StandardCharsets.UTF_8);
            long now = System.nanoTime();
            for (int s = 0; s < RETAINED_SITES; s++) {
                for (int d = 0; d < RETAINED_PER_SITE; d++) {
                    store.put(new PublishMessage("site/" + s + "/device-" + d + "/status", 1, true, online,
                            PublishProperties.NONE, "device-" + d, now));
                }
                siteFilters[s] = "site/" + s + "/+/status";
            }
            if (store.match(siteFilters[7]).size() != RETAINED_PER_SITE
                    || store.match("site/+/+/status").size() != RETAINED_SITES * RETAINED_PER_SITE) {
                throw new IllegalStateException("setup: retained match counts");
            }
        }

        String nextSiteFilter() {
            int i = next;
            next = i + 1 == RETAINED_SITES ? 0 : i + 1;
            return siteFilters[i];
        }
    }

    @Benchmark
    public MatchResult exactPerDevice100k(PerDevice s) {
        return s.registry.match(s.nextTopic());
    }

    @Benchmark
    public MatchResult wildcardSites10k(Wildcards s) {
        return s.registry.match(s.nextTopic());
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public MatchResult fanOut10k(FanOut s) {
        return s.registry.match(FanOut.TOPIC);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public List<PublishMessage> retainedOneSite1kOf100k(Retained s) {
        return s.store.match(s.nextSiteFilter());
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public List<PublishMessage> retainedAll100k(Retained s) {
        return s.store.match("site/+/+/status");
    }
}
