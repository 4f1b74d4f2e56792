package io.fleetmq.broker.testing;

import io.fleetmq.broker.config.BrokerConfig;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A {@link TestBroker} whose lifecycle JUnit manages. The scope follows the field, like {@code @TempDir}:
 * <pre>
 * // one broker for the whole class (started before any @BeforeAll method, closed after every @AfterAll method)
 * &#64;RegisterExtension
 * static final BrokerExtension broker = BrokerExtension.withDefaults();
 *
 * // a fresh broker for every test (started before any @BeforeEach method, closed after every @AfterEach method)
 * &#64;RegisterExtension
 * final BrokerExtension broker = BrokerExtension.with(c -&gt; c.withSys(...));
 * </pre>
 * Tests that start brokers inside a test method keep using {@link TestBroker#start()} directly.
 * <p>
 * {@link #uniqueId(String)} and {@link #uniqueTopic(String)} draw from one counter per extension instance, so ids and
 * topics never collide within the broker's lifetime.
 */
public final class BrokerExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, BrokerEndpoint {

    /** MQTT 3.1 servers need only accept client identifiers of 1 to 23 characters. */
    public static final int MAX_PORTABLE_CLIENT_ID_LENGTH = 23;

    private final UnaryOperator<BrokerConfig> customize;
    private final AtomicInteger sequence = new AtomicInteger();
    private TestBroker broker;
    private boolean perClass;

    private BrokerExtension(UnaryOperator<BrokerConfig> customize) {
        this.customize = customize;
    }

    /** The development defaults on a free port on 127.0.0.1 (as {@link TestBroker#start()}). */
    public static BrokerExtension withDefaults() {
        return with(UnaryOperator.identity());
    }

    /** The development defaults adjusted by {@code customize} (as {@link TestBroker#start(UnaryOperator)}). */
    public static BrokerExtension with(UnaryOperator<BrokerConfig> customize) {
        return new BrokerExtension(customize);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // only called when the extension sits in a static field
        perClass = true;
        broker = TestBroker.start(customize);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!perClass) {
            broker = TestBroker.start(customize);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            stop();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    private void stop() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    /** The running broker; fails outside the extension's scope. */
    public TestBroker get() {
        if (broker == null) {
            throw new IllegalStateException("broker not running: register the BrokerExtension with @RegisterExtension");
        }
        return broker;
    }

    @Override
    public String host() {
        return get().host();
    }

    @Override
    public int port() {
        return get().port();
    }

    @Override
    public String uri() {
        return get().uri();
    }

    /** The next value of this extension's counter (for unique payloads, group names and the like). */
    public int nextSequence() {
        return sequence.incrementAndGet();
    }

    /**
     * {@code prefix} followed by the next counter value, e.g. {@code "s17"}. Fails when the result is longer than the
     * 23 characters MQTT 3.1 guarantees for client identifiers.
     */
    public String uniqueId(String prefix) {
        String id = prefix + nextSequence();
        if (id.length() > MAX_PORTABLE_CLIENT_ID_LENGTH) {
            throw new IllegalArgumentException("client id '" + id + "' is longer than "
                    + MAX_PORTABLE_CLIENT_ID_LENGTH + " characters (MQTT 3.1 limit); use a shorter prefix");
        }
        return id;
    }

    /** {@code root/N} with the next counter value, e.g. {@code uniqueTopic("ps/qos")} gives {@code "ps/qos/18"}. */
    public String uniqueTopic(String root) {
        return root + "/" + nextSequence();
    }
}
