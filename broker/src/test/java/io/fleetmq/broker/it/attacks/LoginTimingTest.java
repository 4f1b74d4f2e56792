package io.fleetmq.broker.it.attacks;

import io.fleetmq.broker.auth.PasswordHash;
import io.fleetmq.broker.config.AuthConfig;
import io.fleetmq.broker.it.security.Passwords;
import io.fleetmq.broker.testing.RawMqttClient;
import io.fleetmq.broker.testing.TestBroker;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The attack: probe which user names exist by timing CONNECT. Before the fix a wrong password for a real user was
 * hashed (~20x slower) while an unknown user was turned away at once. Now an unknown user's password is hashed
 * against a decoy of the same algorithm and iteration count, so both cost the same. Medians of interleaved attempts
 * over real TCP, at the production iteration count, so the hash dominates network noise on a shared machine.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LoginTimingTest {
    private static final int ATTEMPTS = 30;
    /** The production default: the hash then dominates connection set-up, as it does for a real attacker. */
    private static final int ITERATIONS = PasswordHash.DEFAULT_ITERATIONS;

    @TempDir
    Path dir;

    @Test
    void unknownUserAndWrongPasswordTakeTheSameTimeAndGetTheSameAnswer() throws Exception {
        Path pw = Passwords.writeWithIterations(dir.resolve("passwd"), ITERATIONS, "alice", "correct horse",
                "bob", "battery staple");
        try (TestBroker b = TestBroker.start(c -> c.withAuth(new AuthConfig(false).withPasswordFile(pw.toString())
                .withFailedLoginsPerMinute(1_000_000)))) {
            login(b, "alice", "warm-up"); // class loading and JIT before anything is measured
            login(b, "nobody", "warm-up");
            List<Long> wrongPassword = new ArrayList<>();
            List<Long> unknownUser = new ArrayList<>();
            for (int i = 0; i < ATTEMPTS; i++) {
                // Interleaved, so load from other processes on the machine hits both series alike.
                wrongPassword.add(timed(b, "alice", "guess-" + i));
                unknownUser.add(timed(b, "user-" + i, "guess-" + i));
            }
            double ratio = (double) median(wrongPassword) / median(unknownUser);

            assertThat(ratio).as("median wrong-password time / median unknown-user time (was ~20 before the fix); "
                    + "wrong password %s, unknown user %s (ns)", wrongPassword, unknownUser).isBetween(0.5, 2.0);
        }
    }

    private static long timed(TestBroker b, String user, String password) {
        long start = System.nanoTime();
        MqttConnectReturnCode code = login(b, user, password);
        long took = System.nanoTime() - start;
        assertThat(code).as("same answer for %s", user)
                .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD);
        return took;
    }

    private static MqttConnectReturnCode login(TestBroker b, String user, String password) {
        try (RawMqttClient c = RawMqttClient.open(b)) {
            return c.connect(RawMqttClient.connectBuilder("probe", MqttVersion.MQTT_3_1_1, true, 30, null)
                            .hasUser(true).username(user).hasPassword(true)
                            .password(password.getBytes(StandardCharsets.UTF_8)).build())
                    .variableHeader().connectReturnCode();
        }
    }

    private static long median(List<Long> xs) {
        List<Long> sorted = new ArrayList<>(xs);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
