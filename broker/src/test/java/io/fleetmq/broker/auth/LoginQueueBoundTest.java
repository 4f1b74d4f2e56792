package io.fleetmq.broker.auth;

import io.fleetmq.broker.config.AuthConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A login flood larger than the hashing queue (256 per available processor) is not queued without bound: the
 * logins beyond it are answered at once, on the caller's thread, with Server busy — and not counted as failed
 * logins, so a device turned away for load is not later blocked for it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoginQueueBoundTest {
    @TempDir
    Path dir;

    @Test
    void loginsBeyondTheQueueAreAnsweredServerBusyAtOnce() throws Exception {
        Path file = dir.resolve("passwd");
        Files.writeString(file, PasswordFile.render(Map.of("device",
                PasswordHash.create("right".toCharArray(), PasswordHash.DEFAULT_ITERATIONS))));
        int threads = Runtime.getRuntime().availableProcessors();
        int flood = threads * 256 + threads + 200;
        List<AuthResult> answeredAtOnce = new CopyOnWriteArrayList<>();
        try (Security security = Security.create(new AuthConfig(false).withPasswordFile(file.toString())
                .withFailedLoginsPerMinute(1), System::nanoTime)) {
            for (int i = 0; i < flood; i++) {
                Thread caller = Thread.currentThread();
                security.authenticate(new Credentials("d-" + i, "device", "right".getBytes(StandardCharsets.UTF_8),
                        null, "10.0.0.1"), Runnable::run, r -> {
                            if (Thread.currentThread() == caller) {
                                answeredAtOnce.add(r);
                            }
                        });
            }

            assertThat(answeredAtOnce).hasSizeGreaterThanOrEqualTo(100).allSatisfy(r -> assertThat(r)
                    .isInstanceOfSatisfying(AuthResult.Refused.class, refused -> assertThat(refused.refusal())
                            .isEqualTo(AuthResult.Refusal.SERVER_BUSY)));
            // failedLoginsPerMinute is 1: had one busy answer counted as a failure, the address would be blocked.
            List<AuthResult> next = new CopyOnWriteArrayList<>();
            assertThat(blockedAnswer(security, next)).isFalse();
        }
    }

    /** Whether the address is refused unchecked (the limiter's answer comes at once, before any queue). */
    private static boolean blockedAnswer(Security security, List<AuthResult> into) {
        Thread caller = Thread.currentThread();
        security.authenticate(new Credentials("probe", null, null, null, "10.0.0.1"), Runnable::run, r -> {
            if (Thread.currentThread() == caller) {
                into.add(r);
            }
        });
        return !into.isEmpty() && into.get(0) instanceof AuthResult.Refused refused
                && refused.reason().contains("too many failed logins");
    }
}
