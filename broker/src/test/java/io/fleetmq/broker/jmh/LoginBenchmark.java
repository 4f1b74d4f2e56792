package io.fleetmq.broker.jmh;

import io.fleetmq.broker.auth.AuthResult;
import io.fleetmq.broker.auth.Credentials;
import io.fleetmq.broker.auth.PasswordFile;
import io.fleetmq.broker.auth.PasswordHash;
import io.fleetmq.broker.auth.Security;
import io.fleetmq.broker.config.AuthConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Password logins per second through {@link Security#authenticate}, as a reconnect storm presents them: a burst of
 * {@link #BURST} CONNECTs with the right password, hashed at the default {@link PasswordHash#DEFAULT_ITERATIONS}
 * (PBKDF2-HMAC-SHA256), all awaited. The score is logins per second for the node. Run with
 * {@code bench/scripts/jmh.sh Login}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(1)
@State(Scope.Benchmark)
public class LoginBenchmark {
    private static final int BURST = 64;

    private Path dir;
    private Security security;
    private final byte[] password = "correct horse battery".getBytes(StandardCharsets.UTF_8);

    @Setup
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("login-bench");
        Path file = dir.resolve("passwd");
        Files.writeString(file, PasswordFile.render(Map.of("device",
                PasswordHash.create("correct horse battery".toCharArray(), PasswordHash.DEFAULT_ITERATIONS))));
        security = Security.create(new AuthConfig(false).withPasswordFile(file.toString()), System::nanoTime);
    }

    @TearDown
    public void tearDown() throws Exception {
        security.close();
        Files.deleteIfExists(dir.resolve("passwd"));
        Files.deleteIfExists(dir);
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public int passwordLoginBurst() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(BURST);
        AtomicInteger allowed = new AtomicInteger();
        for (int i = 0; i < BURST; i++) {
            security.authenticate(new Credentials("dev-" + i, "device", password, null, "10.0.0." + (i % 250)),
                    Runnable::run, r -> {
                        if (r instanceof AuthResult.Allowed) {
                            allowed.incrementAndGet();
                        }
                        done.countDown();
                    });
        }
        done.await();
        if (allowed.get() != BURST) {
            throw new IllegalStateException("only " + allowed.get() + " of " + BURST + " logins allowed");
        }
        return allowed.get();
    }
}
