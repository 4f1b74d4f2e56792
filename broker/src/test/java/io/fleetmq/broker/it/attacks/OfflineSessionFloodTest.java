package io.fleetmq.broker.it.attacks;

import io.fleetmq.broker.config.AuthConfig;
import io.fleetmq.broker.config.LimitsConfig;
import io.fleetmq.broker.it.security.Passwords;
import io.fleetmq.broker.testing.TestBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attack: one principal connects under ever new client ids with a long session expiry and leaves, so each session
 * stays in the broker's memory. {@code limits.maxOfflineSessionsPerPrincipal} bounds what one principal keeps: its
 * oldest offline session ends when one more would exceed the bound, counted in
 * {@code fleetmq_sessions_evicted_total}; other principals' sessions are not touched.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OfflineSessionFloodTest {
    @TempDir
    Path dir;

    @Test
    void aPrincipalKeepsAtMostTheBoundOfOfflineSessionsAndOnlyItsOwnAreEvicted() throws Exception {
        Path passwd = Passwords.write(dir.resolve("passwd"), "flooder", "pw-f", "ops", "pw-ops");
        try (TestBroker b = TestBroker.start(c -> c.withLimits(new LimitsConfig(0, 0, 0, 0, 65_535, 0).withMaxOfflineSessionsPerPrincipal(3))
                .withAuth(new AuthConfig(false).withPasswordFile(passwd.toString())))) {
            try (PahoDevice ops = new PahoDevice(b, "ops-console", "ops", "pw-ops")) {
                ops.connect(false, 3600);
                ops.subscribe("fleet/#", 1);
                ops.disconnect();
            }
            for (int i = 1; i <= 5; i++) {
                try (PahoDevice f = new PahoDevice(b, "flood-" + i, "flooder", "pw-f")) {
                    f.connect(false, 3600);
                    f.disconnect();
                }
                int expected = Math.min(i, 3);
                Await.until("flooder holds " + expected + " offline sessions", Duration.ofSeconds(5),
                        () -> b.broker().sessions().offlineSessionsOf("flooder") == expected);
            }
            assertThat(b.broker().stats().sessionsEvicted.sum()).isEqualTo(2);

            for (int i = 5; i >= 3; i--) {
                try (PahoDevice f = new PahoDevice(b, "flood-" + i, "flooder", "pw-f")) {
                    f.connect(false, 3600);
                    assertThat(f.sessionPresent()).as("flood-%d, among the newest three, kept its session", i)
                            .isTrue();
                }
            }
            try (PahoDevice f = new PahoDevice(b, "flood-1", "flooder", "pw-f")) {
                f.connect(false, 3600);
                assertThat(f.sessionPresent()).as("flood-1, the oldest, was evicted").isFalse();
            }
            try (PahoDevice ops = new PahoDevice(b, "ops-console", "ops", "pw-ops")) {
                ops.connect(false, 3600);
                assertThat(ops.sessionPresent()).as("another principal's offline session is untouched").isTrue();
            }
        }
    }
}
