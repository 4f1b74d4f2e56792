package io.fleetmq.broker.it.v3;

import io.fleetmq.broker.config.SysConfig;
import io.fleetmq.broker.testing.BrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.fleetmq.broker.it.v3.PahoV3Client.V311;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retained messages (store, replace, delete, RETAIN flag) and $SYS topics (published, retained, updating, not matched
 * by leading wildcards) seen by Eclipse Paho mqttv3 clients speaking MQTT 3.1 and 3.1.1.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PahoV3RetainedAndSysTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration QUIET = Duration.ofMillis(400);

    @RegisterExtension
    static final BrokerExtension broker =
            BrokerExtension.with(c -> c.withSys(new SysConfig(true, Duration.ofMillis(200))));

    @ParameterizedTest(name = "mqtt version {0}")
    @MethodSource(PahoV3Client.VERSIONS)
    void retainedMessageIsStoredAndSentToLaterSubscribersWithRetainFlag(int version) throws Exception {
        String t = broker.uniqueTopic("rs/retain");
        try (PahoV3Client pub = PahoV3Client.connect(broker, broker.uniqueId("p"), version, true)) {
            pub.publish(t, "kept", 1, true);
        }
        try (PahoV3Client sub = PahoV3Client.connect(broker, broker.uniqueId("s"), version, true)) {
            sub.subscribe(t, 1);
            PahoV3Client.Received r = sub.next(WAIT);
            assertThat(r.payload()).isEqualTo("kept");
            assertThat(r.retained()).as("retained message sent on subscribe has RETAIN=1").isTrue();
            assertThat(r.qos()).isEqualTo(1);
            assertThat(sub.drain(QUIET)).isEmpty();
        }
    }

    @ParameterizedTest(name = "mqtt version {0}")
    @MethodSource(PahoV3Client.VERSIONS)
    void newerRetainedMessageReplacesTheStoredOne(int version) throws Exception {
        String t = broker.uniqueTopic("rs/replace");
        try (PahoV3Client pub = PahoV3Client.connect(broker, broker.uniqueId("p"), version, true)) {
            pub.publish(t, "first", 1, true);
            pub.publish(t, "second", 1, true);
        }
        try (PahoV3Client sub = PahoV3Client.connect(broker, broker.uniqueId("s"), version, true)) {
            sub.subscribe(t, 1);
            assertThat(sub.next(WAIT).payload()).isEqualTo("second");
            assertThat(sub.drain(QUIET)).as("only the newest retained message").isEmpty();
        }
    }

    @ParameterizedTest(name = "mqtt version {0}")
    @MethodSource(PahoV3Client.VERSIONS)
    void emptyRetainedPayloadDeletesTheRetainedMessage(int version) throws Exception {
        String t = broker.uniqueTopic("rs/delete");
        try (PahoV3Client pub = PahoV3Client.connect(broker, broker.uniqueId("p"), version, true)) {
            pub.publish(t, "doomed", 1, true);
            pub.publish(t, "", 1, true);
        }
        try (PahoV3Client sub = PahoV3Client.connect(broker, broker.uniqueId("s"), version, true)) {
            sub.subscribe(t, 1);
            assertThat(sub.drain(Duration.ofMillis(600))).as("no retained message after delete").isEmpty();
        }
    }

    @ParameterizedTest(name = "mqtt version {0}")
    @MethodSource(PahoV3Client.VERSIONS)
    void retainFlagIsClearedWhenForwardingToAnExistingSubscription(int version) throws Exception {
        String t = broker.uniqueTopic("rs/liveretain");
        try (PahoV3Client sub = PahoV3Client.connect(broker, broker.uniqueId("s"), version, true);
             PahoV3Client pub = PahoV3Client.connect(broker, broker.uniqueId("p"), version, true)) {
            sub.subscribe(t, 1);
            pub.publish(t, "live", 1, true);
            PahoV3Client.Received r = sub.next(WAIT);
            assertThat(r.payload()).isEqualTo("live");
            assertThat(r.retained()).as("[MQTT-3.3.1-9] RETAIN=0 on live delivery").isFalse();
        }
    }

    @Test
    void dollarSysTopicsAreNotMatchedByLeadingWildcardsButByExplicitSysFilter() throws Exception {
        try (PahoV3Client wild = PahoV3Client.connect(broker, broker.uniqueId("w"), V311, true);
             PahoV3Client plus = PahoV3Client.connect(broker, broker.uniqueId("w"), V311, true);
             PahoV3Client sys = PahoV3Client.connect(broker, broker.uniqueId("y"), V311, true)) {
            wild.subscribe("#", 0);
            plus.subscribe("+/broker/#", 0);
            sys.subscribe("$SYS/#", 0);

            PahoV3Client.Received first = sys.next(WAIT);
            assertThat(first.topic()).startsWith("$SYS/");
            // $SYS is published every 200 ms: wait for a few rounds before looking at the wildcard subscribers.
            Await.sleep(Duration.ofMillis(800));
            assertThat(wild.drain(Duration.ofMillis(100))).extracting(PahoV3Client.Received::topic)
                    .as("[MQTT-4.7.2-1] '#' must not match topics starting with $")
                    .noneMatch(t -> t.startsWith("$"));
            assertThat(plus.drain(Duration.ofMillis(100))).extracting(PahoV3Client.Received::topic)
                    .as("[MQTT-4.7.2-1] '+/...' must not match topics starting with $")
                    .noneMatch(t -> t.startsWith("$"));
        }
    }

    @Test
    void sysTopicsArePublishedRetainedAndKeepUpdating() throws Exception {
        List<String> expected = List.of("$SYS/broker/version", "$SYS/broker/uptime",
                "$SYS/broker/clients/connected", "$SYS/broker/clients/total", "$SYS/broker/messages/received",
                "$SYS/broker/messages/sent", "$SYS/broker/messages/dropped", "$SYS/broker/subscriptions/count",
                "$SYS/broker/retained/count");
        try (PahoV3Client sys = PahoV3Client.connect(broker, broker.uniqueId("y"), V311, true)) {
            sys.subscribe("$SYS/broker/#", 0);
            Set<String> seen = new HashSet<>();
            Set<String> uptimes = new HashSet<>();
            boolean sawRetained = false;
            long maxConnected = -1;
            long deadline = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            while (System.nanoTime() < deadline
                    && (!seen.containsAll(expected) || uptimes.size() < 2 || maxConnected < 1)) {
                PahoV3Client.Received r = sys.poll(Duration.ofMillis(200));
                if (r == null) {
                    continue;
                }
                seen.add(r.topic());
                sawRetained |= r.retained();
                if (r.topic().equals("$SYS/broker/uptime")) {
                    assertThat(r.payload().trim()).as("uptime in seconds").matches("\\d+( seconds)?");
                    uptimes.add(r.payload().trim());
                }
                if (r.topic().equals("$SYS/broker/clients/connected")) {
                    // the retained copy sent on subscribe may predate this connection; later updates count it
                    maxConnected = Math.max(maxConnected, Long.parseLong(r.payload().trim()));
                }
            }
            assertThat(seen).containsAll(expected);
            assertThat(sawRetained).as("$SYS values are retained, so a new subscriber gets them at once").isTrue();
            assertThat(uptimes).as("uptime keeps updating").hasSizeGreaterThanOrEqualTo(2);
            assertThat(maxConnected).as("$SYS/broker/clients/connected counts this client").isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void sysMessageCountersIncreaseWithTraffic() throws Exception {
        String t = broker.uniqueTopic("rs/sysctr");
        try (PahoV3Client sys = PahoV3Client.connect(broker, broker.uniqueId("y"), V311, true);
             PahoV3Client pub = PahoV3Client.connect(broker, broker.uniqueId("p"), V311, true)) {
            sys.subscribe("$SYS/broker/messages/received", 0);
            long before = Long.parseLong(sys.nextOn("$SYS/broker/messages/received", WAIT).payload().trim());
            for (int i = 0; i < 5; i++) {
                pub.publish(t, "m" + i, 1, false);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            long after = before;
            while (after < before + 5 && System.nanoTime() < deadline) {
                PahoV3Client.Received r = sys.poll(Duration.ofMillis(300));
                if (r != null) {
                    after = Long.parseLong(r.payload().trim());
                }
            }
            assertThat(after).as("$SYS/broker/messages/received counts the 5 PUBLISHes").isGreaterThanOrEqualTo(before + 5);
        }
    }
}
