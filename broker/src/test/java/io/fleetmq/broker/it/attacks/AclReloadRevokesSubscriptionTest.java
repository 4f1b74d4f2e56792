package io.fleetmq.broker.it.attacks;

import io.fleetmq.broker.config.AuthConfig;
import io.fleetmq.broker.it.security.Passwords;
import io.fleetmq.broker.metrics.DropReason;
import io.fleetmq.broker.testing.TestBroker;
import io.fleetmq.broker.testing.TestPki;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attack: keep reading what the rules no longer allow, through a subscription granted before the ACL changed, or
 * through a persistent session resumed after it changed. Read access is checked at every delivery against the ACL in
 * force, so the file's rewrite takes effect on live and resumed subscriptions alike (Paho MQTT 5 clients, the ACL
 * file reloaded by the broker's own timer).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AclReloadRevokesSubscriptionTest {
    private static final String BEFORE = """
            allow subscribe user ops  devices/#
            allow publish   user feed devices/#
            """;
    /** ops may now read devices/d2 only. */
    private static final String AFTER = """
            allow subscribe user ops  devices/d2/#
            allow publish   user feed devices/#
            """;

    @TempDir
    Path dir;
    private Path acl;
    private Path passwd;

    @BeforeEach
    void files() throws Exception {
        acl = dir.resolve("acl");
        TestPki.replace(acl, BEFORE);
        passwd = Passwords.write(dir.resolve("passwd"), "ops", "pw-ops", "feed", "pw-feed");
    }

    private TestBroker start() {
        return TestBroker.start(c -> c.withAuth(new AuthConfig(false).withPasswordFile(passwd.toString())
                .withAclFile(acl.toString(), List.of()).withReloadInterval(Duration.ofMillis(200))));
    }

    /** Rewrites the ACL and waits until the broker's reload timer has applied it (a fresh SUBSCRIBE is refused). */
    private void revoke(TestBroker b) throws Exception {
        TestPki.replace(acl, AFTER);
        try (PahoDevice probe = new PahoDevice(b, "ops-probe", "ops", "pw-ops")) {
            probe.connect(true, 0);
            Await.until("the rewritten ACL file is in force", Duration.ofSeconds(10), () -> {
                try {
                    return probe.subscribe("devices/d1/#", 1) == 0x87;
                } catch (MqttException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    @Test
    void aLiveSubscriberStopsReceivingWhatTheReloadedAclDenies() throws Exception {
        try (TestBroker b = start();
             PahoDevice console = new PahoDevice(b, "ops-console", "ops", "pw-ops");
             PahoDevice feed = new PahoDevice(b, "feeder", "feed", "pw-feed")) {
            console.connect(true, 0);
            assertThat(console.subscribe("devices/#", 1)).isEqualTo(1);
            feed.connect(true, 0);
            feed.publish("devices/d1/temp", "before", 1, false);
            assertThat(console.expectMessage().payload()).isEqualTo("before");

            revoke(b);

            // One publisher, so the console would get d1's message before d2's if it got it at all.
            feed.publish("devices/d1/temp", "after: denied", 1, false);
            feed.publish("devices/d2/temp", "after: allowed", 1, false);
            PahoDevice.Received next = console.expectMessage();
            assertThat(next.topic()).isEqualTo("devices/d2/temp");
            assertThat(next.payload()).isEqualTo("after: allowed");
            assertThat(b.broker().stats().messagesDropped(DropReason.NOT_AUTHORIZED)).isEqualTo(1);
        }
    }

    @Test
    void aResumedSessionDoesNotReceiveWhatTheReloadedAclDenies() throws Exception {
        try (TestBroker b = start();
             PahoDevice feed = new PahoDevice(b, "feeder", "feed", "pw-feed")) {
            try (PahoDevice console = new PahoDevice(b, "ops-console", "ops", "pw-ops")) {
                console.connect(false, 300);
                assertThat(console.subscribe("devices/#", 1)).isEqualTo(1);
                console.disconnect();
            }
            feed.connect(true, 0);
            feed.publish("devices/d1/temp", "queued before the change", 1, false);

            revoke(b);

            feed.publish("devices/d1/temp", "published after the change", 1, false);
            feed.publish("devices/d2/temp", "allowed", 1, false);
            try (PahoDevice console = new PahoDevice(b, "ops-console", "ops", "pw-ops")) {
                console.connect(false, 300);
                assertThat(console.sessionPresent()).isTrue();
                PahoDevice.Received first = console.expectMessage();
                assertThat(first.payload()).as("neither the queued nor the later d1 message").isEqualTo("allowed");
                feed.publish("devices/d1/temp", "live after resume", 1, false);
                feed.publish("devices/d2/temp", "live allowed", 1, false);
                assertThat(console.expectMessage().payload()).isEqualTo("live allowed");
            }
        }
    }
}
