package io.fleetmq.broker.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Makes Netty buffer leaks fail tests instead of only being logged.
 *
 * <p>{@link #install()} replaces Netty's {@link ResourceLeakDetectorFactory} with one whose detectors record every
 * leak report ({@code reportTracedLeak}/{@code reportUntracedLeak}) in a static list. Netty creates the
 * {@code ByteBuf} detector once, when {@code AbstractByteBuf} is initialised, so the factory must be in place
 * before the first buffer is allocated; if it was too late, {@code install()} attaches a leak listener to the
 * existing detector instead, so leaks are recorded either way.
 *
 * <p>As a JUnit Jupiter extension it is registered for every test class through
 * {@code META-INF/services/org.junit.jupiter.api.extension.Extension} plus
 * {@code junit.jupiter.extensions.autodetection.enabled=true} in {@code junit-platform.properties}: it installs
 * before each class and, after each class, forces a GC, allocates to make Netty poll its reference queue, and fails
 * the class if any leak was recorded. jqwik containers are not Jupiter classes; they call
 * {@link #assertNoLeaks()} from an {@code @AfterContainer} method (and any leak they leave is also caught by the
 * next Jupiter class). Leak reports need a detection level above DISABLED; the surefire argLine uses PARANOID.
 */
public final class LeakDetection implements BeforeAllCallback, AfterAllCallback {
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
    private static volatile boolean installed;

    public LeakDetection() {
        install();
    }

    /** Installs the recording factory (idempotent). */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
        installed = true;
        attachListenerIfDetectorPredatesFactory();
    }

    /** Leak reports recorded so far (resource type plus Netty's access records). */
    public static List<String> recordedLeaks() {
        return List.copyOf(LEAKS);
    }

    public static void clear() {
        LEAKS.clear();
    }

    /**
     * Forces garbage collection and then allocates tracked buffers, because Netty only inspects its reference queue
     * (and reports) when it tracks a new resource.
     */
    public static void collectLeaks() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            System.runFinalization();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            for (int i = 0; i < 8; i++) {
                ByteBuf a = UnpooledByteBufAllocator.DEFAULT.buffer(1);
                a.release();
                ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(1);
                b.release();
            }
        }
    }

    /** Collects, then throws {@link AssertionError} listing (and clearing) any recorded leaks. */
    public static void assertNoLeaks() {
        collectLeaks();
        if (LEAKS.isEmpty()) {
            return;
        }
        List<String> leaks = new ArrayList<>(LEAKS);
        LEAKS.clear();
        throw new AssertionError(leaks.size() + " Netty resource leak(s) detected:\n" + String.join("\n\n", leaks));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        install();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        assertNoLeaks();
    }

    private static void record(String resourceType, String records) {
        LEAKS.add("LEAK: " + resourceType + (records.isEmpty() ? " (untraced)" : "\n" + records));
    }

    private static void attachListenerIfDetectorPredatesFactory() {
        try {
            Class<?> abstractByteBuf = Class.forName("io.netty.buffer.AbstractByteBuf");
            Field field = abstractByteBuf.getDeclaredField("leakDetector");
            field.setAccessible(true);
            Object detector = field.get(null);
            if (detector instanceof ResourceLeakDetector<?> d && !(detector instanceof RecordingDetector<?>)) {
                d.setLeakListener(LeakDetection::record);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Best effort only; the factory still covers detectors created from now on.
        }
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        @Override
        @SuppressWarnings("deprecation")
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                                                                   long maxActive) {
            return new RecordingDetector<>(resource, samplingInterval);
        }

        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval) {
            return new RecordingDetector<>(resource, samplingInterval);
        }
    }

    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        RecordingDetector(Class<T> resourceType, int samplingInterval) {
            super(resourceType, samplingInterval);
        }

        @Override
        protected boolean needReport() {
            return true; // report even when the logger has ERROR disabled
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            record(resourceType, records);
            super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            record(resourceType, "");
            super.reportUntracedLeak(resourceType);
        }
    }
}
