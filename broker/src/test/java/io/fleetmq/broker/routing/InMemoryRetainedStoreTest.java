package io.fleetmq.broker.routing;

import io.fleetmq.broker.message.PublishMessage;
import io.fleetmq.broker.message.PublishProperties;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class InMemoryRetainedStoreTest {

    private final InMemoryRetainedStore store = new InMemoryRetainedStore();

    private static PublishMessage retained(String topic, String payload) {
        return new PublishMessage(topic, 1, true, payload.getBytes(StandardCharsets.UTF_8), null, "pub", 0);
    }

    private static List<String> topics(List<PublishMessage> messages) {
        return messages.stream().map(PublishMessage::topic).toList();
    }

    @Test
    void exactFilterReturnsTheTopicsMessage() {
        store.put(retained("a/b", "1"));
        store.put(retained("a/c", "2"));
        assertThat(topics(store.match("a/b"))).containsExactly("a/b");
        assertThat(store.match("a")).isEmpty();
        assertThat(store.match("a/b/c")).isEmpty();
    }

    @Test
    void newMessageReplacesTheOldOnTheSameTopic() {
        // [MQTT-3.3.1-5]
        store.put(retained("a", "old"));
        store.put(retained("a", "new"));
        assertThat(store.size()).isEqualTo(1);
        assertThat(new String(store.match("a").get(0).payload(), StandardCharsets.UTF_8)).isEqualTo("new");
        assertThat(new String(store.match("+").get(0).payload(), StandardCharsets.UTF_8)).isEqualTo("new");
    }

    @Test
    void emptyPayloadDeletesAndIsNotStored() {
        // [MQTT-3.3.1-6], [MQTT-3.3.1-7]
        store.put(retained("a/b", "x"));
        store.put(retained("a/b", ""));
        store.put(retained("never/stored", ""));
        assertThat(store.size()).isZero();
        assertThat(store.match("a/b")).isEmpty();
        assertThat(store.match("#")).isEmpty();
    }

    @Test
    void deletingAChildKeepsParentAndSiblings() {
        store.put(retained("a", "p"));
        store.put(retained("a/b", "c1"));
        store.put(retained("a/c", "c2"));
        store.put(retained("a/b", ""));
        assertThat(topics(store.match("a/#"))).containsExactlyInAnyOrder("a", "a/c");
    }

    @Test
    void wildcardFiltersMatchLikeTheReferenceMatcher() {
        List<String> all = List.of("sport", "sport/tennis", "sport/tennis/player1", "sport/", "/finance", "finance",
                "/", "a//b", "$SYS", "$SYS/broker", "a/$SYS");
        all.forEach(t -> store.put(retained(t, t)));
        for (String filter : List.of("#", "+", "+/+", "sport/#", "sport/+", "+/tennis/#", "/+", "a/+/b",
                "$SYS/#", "$SYS/+", "a/+", "+/#", "sport/tennis/+")) {
            List<String> expected = all.stream().filter(t -> TopicFilters.matches(filter, t)).toList();
            assertThat(topics(store.match(filter))).as(filter).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void leadingWildcardsSkipDollarTopics() {
        // [MQTT-4.7.2-1]
        store.put(retained("$SYS/broker/uptime", "1"));
        store.put(retained("$SYS", "1"));
        store.put(retained("normal", "1"));
        assertThat(topics(store.match("#"))).containsExactly("normal");
        assertThat(topics(store.match("+"))).containsExactly("normal");
        assertThat(topics(store.match("+/broker/uptime"))).isEmpty();
        assertThat(topics(store.match("$SYS/#"))).containsExactlyInAnyOrder("$SYS", "$SYS/broker/uptime");
        assertThat(topics(store.match("$SYS/broker/uptime"))).containsExactly("$SYS/broker/uptime");
    }

    @Test
    void multiLevelWildcardIncludesTheParentTopic() {
        store.put(retained("sport", "1"));
        store.put(retained("sport/tennis", "1"));
        store.put(retained("sports", "1"));
        assertThat(topics(store.match("sport/#"))).containsExactlyInAnyOrder("sport", "sport/tennis");
    }

    @Test
    void rejectsWildcardTopicsAndInvalidFilters() {
        // [MQTT-3.3.2-2]
        assertThatIllegalArgumentException().isThrownBy(() -> store.put(retained("a/+", "x")));
        // [MQTT-4.7.1-2]
        assertThatIllegalArgumentException().isThrownBy(() -> store.match("a/#/b"));
    }

    @Test
    void removeExpiredDropsOnlyExpiredMessages() {
        // [MQTT-3.3.2-5]
        PublishProperties tenSeconds = new PublishProperties(null, 10L, null, null, null, null);
        store.put(new PublishMessage("short", 0, true, new byte[]{1}, tenSeconds, "", 0));
        store.put(retained("forever", "x"));
        assertThat(store.removeExpired(5_000_000_000L)).isZero();
        assertThat(store.removeExpired(10_000_000_000L)).isEqualTo(1);
        assertThat(topics(store.match("#"))).containsExactly("forever");
        assertThat(store.size()).isEqualTo(1);
    }

    @Test
    void deepTopicsDoNotOverflowTheStack() {
        String deep = "a/".repeat(30_000) + "a";
        store.put(retained(deep, "x"));
        assertThat(store.match("#")).hasSize(1);
        assertThat(store.match("+/" + "a/".repeat(29_999) + "+")).hasSize(1);
        store.put(retained(deep, ""));
        assertThat(store.size()).isZero();
    }
}
