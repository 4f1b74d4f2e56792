package io.fleetmq.broker.routing;

import io.fleetmq.broker.message.PublishMessage;
import io.fleetmq.broker.message.PublishProperties;
import io.fleetmq.broker.metrics.LimitReason;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The bounds of {@link InMemoryRetainedStore} (limits.maxRetained*): what is refused, what frees room. */
class RetainedStoreBoundsTest {

    private static PublishMessage retained(String publisher, String topic, String payload) {
        return new PublishMessage(topic, 1, true, payload.getBytes(StandardCharsets.UTF_8), PublishProperties.NONE,
                publisher, 0);
    }

    @Test
    void theNodeCountBoundRefusesNewTopicsButNotReplacements() {
        InMemoryRetainedStore store = new InMemoryRetainedStore(2, 0, 0, 0);
        assertThat(store.put(retained("a", "t/1", "x"))).isNull();
        assertThat(store.put(retained("b", "t/2", "x"))).isNull();
        assertThat(store.put(retained("c", "t/3", "x"))).isEqualTo(LimitReason.RETAINED_MESSAGES);
        assertThat(store.put(retained("c", "t/1", "y"))).as("another client's topic replaced").isNull();
        assertThat(store.size()).isEqualTo(2);
        assertThat(store.match("t/3")).isEmpty();
    }

    @Test
    void deletingOrExpiringFreesRoom() {
        InMemoryRetainedStore store = new InMemoryRetainedStore(1, 0, 0, 0);
        store.put(retained("a", "t/1", "x"));
        assertThat(store.refusal(retained("a", "t/2", "x"))).isEqualTo(LimitReason.RETAINED_MESSAGES);
        assertThat(store.refusal(retained("a", "t/2", ""))).as("a delete is never refused").isNull();
        store.put(retained("a", "t/1", "")); // [MQTT-3.3.1-6]
        assertThat(store.put(retained("a", "t/2", "x"))).isNull();

        PublishMessage expiring = new PublishMessage("t/2", 1, true, new byte[] {1},
                new PublishProperties(null, 1L, null, null, null, java.util.List.of()), "a", 0);
        store.put(retained("a", "t/2", ""));
        assertThat(store.put(expiring)).isNull();
        assertThat(store.removeExpired(5_000_000_000L)).isEqualTo(1);
        assertThat(store.put(retained("a", "t/3", "x"))).isNull();
        assertThat(store.bytes()).isEqualTo("t/3".length() + 1);
    }

    @Test
    void bytesAreTopicPlusPayloadAndBoundedInTotal() {
        InMemoryRetainedStore store = new InMemoryRetainedStore(0, 20, 0, 0);
        assertThat(store.put(retained("a", "t/1", "0123456789"))).isNull(); // 3 + 10
        assertThat(store.bytes()).isEqualTo(13);
        assertThat(store.put(retained("b", "t/2", "01234"))).isEqualTo(LimitReason.RETAINED_BYTES); // 13 + 8 > 20
        assertThat(store.put(retained("b", "t/2", "0123"))).isNull(); // 13 + 7 = 20
        assertThat(store.bytes()).isEqualTo(20);
    }

    @Test
    void perClientBoundsCountOnlyThatPublishersMessages() {
        InMemoryRetainedStore store = new InMemoryRetainedStore(0, 0, 2, 100);
        assertThat(store.put(retained("a", "a/1", "x"))).isNull();
        assertThat(store.put(retained("a", "a/2", "x"))).isNull();
        assertThat(store.put(retained("a", "a/3", "x"))).isEqualTo(LimitReason.RETAINED_MESSAGES_PER_CLIENT);
        assertThat(store.put(retained("b", "b/1", "x"))).isNull();
        // b takes over a's topic: a has room again, b counts it.
        assertThat(store.put(retained("b", "a/1", "y"))).isNull();
        assertThat(store.put(retained("a", "a/3", "x"))).isNull();
        assertThat(store.put(retained("b", "b/2", "x"))).isEqualTo(LimitReason.RETAINED_MESSAGES_PER_CLIENT);
        assertThat(store.put(retained("a", "a/2", "z".repeat(200))))
                .isEqualTo(LimitReason.RETAINED_BYTES_PER_CLIENT);
        assertThat(store.put(retained("a", "a/2", "shrunk"))).isNull();
    }

    @Test
    void brokerMadeMessagesCountInTheTotalOnly() {
        InMemoryRetainedStore store = new InMemoryRetainedStore(0, 0, 1, 0);
        assertThat(store.put(retained("", "$SYS/a", "1"))).isNull();
        assertThat(store.put(retained("", "$SYS/b", "1"))).isNull();
        assertThat(store.size()).isEqualTo(2);
    }
}
