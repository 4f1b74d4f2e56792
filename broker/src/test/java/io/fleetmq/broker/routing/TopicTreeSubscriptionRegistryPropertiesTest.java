package io.fleetmq.broker.routing;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The trie against a naive model that scans every subscription with {@link TopicFilters#matches}, and the
 * reference matcher against an independent split-and-recurse oracle.
 */
class TopicTreeSubscriptionRegistryPropertiesTest {

    /** Small alphabet so generated filters and topics collide often; includes the edge levels "" and "$SYS". */
    private static final List<String> TOPIC_LEVELS = List.of("", "a", "b", "$SYS");
    private static final List<String> FILTER_LEVELS = List.of("", "a", "b", "$SYS", "+", "#");

    record Op(int kind, String clientId, String filter, int qos) {
        static final int SUBSCRIBE = 0;
        static final int UNSUBSCRIBE = 1;
        static final int REMOVE_ALL = 2;
    }

    @Provide
    Arbitrary<String> topics() {
        return Arbitraries.of(TOPIC_LEVELS).list().ofMinSize(1).ofMaxSize(4)
                .map(levels -> String.join("/", levels))
                .filter(t -> TopicFilters.validateTopicName(t) == null);
    }

    @Provide
    Arbitrary<List<String>> topicLists() {
        return topics().list().ofMinSize(1).ofMaxSize(8);
    }

    @Provide
    Arbitrary<String> plainFilters() {
        return Arbitraries.of(FILTER_LEVELS).list().ofMinSize(1).ofMaxSize(4)
                .map(levels -> String.join("/", levels))
                .filter(f -> TopicFilters.validateFilter(f) == null);
    }

    @Provide
    Arbitrary<String> filters() {
        Arbitrary<String> shared = Combinators.combine(Arbitraries.of("g1", "g2"), plainFilters())
                .as((group, filter) -> "$share/" + group + "/" + filter);
        return Arbitraries.frequencyOf(
                Tuple.of(3, plainFilters()),
                Tuple.of(1, shared));
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Op> op = Combinators.combine(
                Arbitraries.frequency(Tuple.of(6, Op.SUBSCRIBE), Tuple.of(3, Op.UNSUBSCRIBE),
                        Tuple.of(1, Op.REMOVE_ALL)),
                Arbitraries.of("c1", "c2", "c3", "c4"),
                filters(),
                Arbitraries.integers().between(0, 2)).as(Op::new);
        return op.list().ofMaxSize(60);
    }

    @Property(tries = 400)
    void matchAgreesWithNaiveScan(@ForAll("operations") List<Op> ops, @ForAll("topicLists") List<String> topics) {
        TopicTreeSubscriptionRegistry registry = new TopicTreeSubscriptionRegistry();
        Model model = new Model();
        for (Op op : ops) {
            switch (op.kind()) {
                case Op.SUBSCRIBE -> {
                    Subscription s = Subscription.of(op.filter(), op.qos());
                    assertThat(registry.subscribe(op.clientId(), s)).isEqualTo(model.subscribe(op.clientId(), s));
                }
                case Op.UNSUBSCRIBE -> assertThat(registry.unsubscribe(op.clientId(), op.filter()))
                        .isEqualTo(model.unsubscribe(op.clientId(), op.filter()));
                default -> {
                    registry.removeAll(op.clientId());
                    model.removeAll(op.clientId());
                }
            }
        }
        model.assertSameAs(registry, topics);
    }

    @Property(tries = 2000)
    void referenceMatcherAgreesWithSplitOracle(@ForAll("plainFilters") String filter, @ForAll("topics") String topic) {
        assertThat(TopicFilters.matches(filter, topic)).as("%s ~ %s", filter, topic)
                .isEqualTo(oracleMatches(filter, topic));
    }

    /** Independent oracle: split on '/', keeping empty levels, and match level lists recursively. */
    private static boolean oracleMatches(String filter, String topic) {
        if (topic.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) {
            return false; // [MQTT-4.7.2-1]
        }
        return oracle(Arrays.asList(filter.split("/", -1)), Arrays.asList(topic.split("/", -1)));
    }

    private static boolean oracle(List<String> f, List<String> t) {
        if (f.isEmpty()) {
            return t.isEmpty();
        }
        if (f.get(0).equals("#")) {
            return true;
        }
        if (t.isEmpty()) {
            return false;
        }
        if (!f.get(0).equals("+") && !f.get(0).equals(t.get(0))) {
            return false;
        }
        return oracle(f.subList(1, f.size()), t.subList(1, t.size()));
    }

    /**
     * The obvious implementation: a list of everything, scanned on every match. Shared groups are keyed by the full
     * filter, with members in a LinkedHashMap so "replace keeps position, rejoin goes last" falls out naturally.
     */
    static final class Model {
        final Map<String, LinkedHashMap<String, Subscription>> byClient = new LinkedHashMap<>();
        final Map<String, LinkedHashMap<String, Subscription>> groups = new LinkedHashMap<>();

        synchronized boolean subscribe(String clientId, Subscription s) {
            boolean fresh = byClient.computeIfAbsent(clientId, c -> new LinkedHashMap<>()).put(s.topicFilter(), s) == null;
            if (TopicFilters.isShared(s.topicFilter())) {
                groups.computeIfAbsent(s.topicFilter(), f -> new LinkedHashMap<>()).put(clientId, s);
            }
            return fresh;
        }

        synchronized boolean unsubscribe(String clientId, String filter) {
            Map<String, Subscription> subs = byClient.get(clientId);
            if (subs == null || subs.remove(filter) == null) {
                return false;
            }
            if (subs.isEmpty()) {
                byClient.remove(clientId);
            }
            Map<String, Subscription> members = groups.get(filter);
            if (members != null) {
                members.remove(clientId);
                if (members.isEmpty()) {
                    groups.remove(filter);
                }
            }
            return true;
        }

        synchronized void removeAll(String clientId) {
            Map<String, Subscription> subs = byClient.get(clientId);
            if (subs != null) {
                for (String filter : List.copyOf(subs.keySet())) {
                    unsubscribe(clientId, filter);
                }
            }
        }

        synchronized List<SubscriptionMatch> expectedSubscriptions(String topic) {
            List<SubscriptionMatch> out = new ArrayList<>();
            byClient.forEach((clientId, subs) -> subs.values().forEach(s -> {
                if (!TopicFilters.isShared(s.topicFilter()) && TopicFilters.matches(s.topicFilter(), topic)) {
                    out.add(new SubscriptionMatch(clientId, s));
                }
            }));
            return out;
        }

        synchronized List<SharedGroupMatch> expectedGroups(String topic) {
            List<SharedGroupMatch> out = new ArrayList<>();
            groups.forEach((fullFilter, members) -> {
                SharedFilter parsed = SharedFilter.parse(fullFilter);
                if (TopicFilters.matches(parsed.filter(), topic)) {
                    List<SubscriptionMatch> list = new ArrayList<>();
                    members.forEach((clientId, s) -> list.add(new SubscriptionMatch(clientId, s)));
                    out.add(new SharedGroupMatch(parsed.group(), parsed.filter(), list));
                }
            });
            return out;
        }

        synchronized void assertSameAs(TopicTreeSubscriptionRegistry registry, List<String> topics) {
            for (String topic : topics) {
                MatchResult actual = registry.match(topic);
                assertThat(actual.subscriptions()).as("subscriptions for %s", topic)
                        .containsExactlyInAnyOrderElementsOf(expectedSubscriptions(topic));
                assertThat(actual.sharedGroups()).as("shared groups for %s", topic)
                        .containsExactlyInAnyOrderElementsOf(expectedGroups(topic));
            }
            assertThat(registry.size()).isEqualTo(byClient.values().stream().mapToInt(Map::size).sum());
            for (String clientId : List.of("c1", "c2", "c3", "c4")) {
                Map<String, Subscription> subs = byClient.getOrDefault(clientId, new LinkedHashMap<>());
                assertThat(registry.subscriptionsOf(clientId)).containsExactlyElementsOf(subs.values());
            }
        }
    }
}
