package io.fleetmq.broker.routing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Smoke test: writers change disjoint clients' subscriptions while readers match. Readers check that every match
 * they see is a real match; afterwards the registry must equal what the writers did.
 */
class TopicTreeSubscriptionRegistryConcurrencyTest {

    private static final List<String> FILTERS = List.of("a", "a/b", "a/+", "a/#", "#", "+/b", "$SYS/#", "/",
            "+/+", "a/b/c", "$share/g/a/#", "$share/g/+/b", "$share/h/#", "x/y");
    private static final List<String> TOPICS = List.of("a", "a/b", "a/b/c", "b", "/", "$SYS/x", "x/y", "a/",
            "q/b");

    @Test
    @Timeout(60)
    void concurrentWritersAndReadersEndInAConsistentState() throws Exception {
        TopicTreeSubscriptionRegistry registry = new TopicTreeSubscriptionRegistry();
        int writers = 3;
        int readers = 2;
        int opsPerWriter = 20_000;
        List<Map<String, LinkedHashMap<String, Subscription>>> models = new ArrayList<>();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong matches = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();

        for (int w = 0; w < writers; w++) {
            Map<String, LinkedHashMap<String, Subscription>> model = new LinkedHashMap<>();
            models.add(model);
            int id = w;
            threads.add(new Thread(() -> {
                Random random = new Random(id);
                try {
                    start.await();
                    for (int i = 0; i < opsPerWriter; i++) {
                        String client = "w" + id + "-c" + random.nextInt(5);
                        String filter = FILTERS.get(random.nextInt(FILTERS.size()));
                        int r = random.nextInt(10);
                        if (r < 6) {
                            Subscription s = Subscription.of(filter, random.nextInt(3));
                            registry.subscribe(client, s);
                            model.computeIfAbsent(client, c -> new LinkedHashMap<>()).put(filter, s);
                        } else if (r < 9) {
                            registry.unsubscribe(client, filter);
                            Map<String, Subscription> subs = model.get(client);
                            if (subs != null) {
                                subs.remove(filter);
                            }
                        } else {
                            registry.removeAll(client);
                            model.remove(client);
                        }
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }, "writer-" + w));
        }
        for (int r = 0; r < readers; r++) {
            int id = r;
            threads.add(new Thread(() -> {
                Random random = new Random(100 + id);
                try {
                    start.await();
                    while (writing.get()) {
                        String topic = TOPICS.get(random.nextInt(TOPICS.size()));
                        MatchResult result = registry.match(topic);
                        for (SubscriptionMatch m : result.subscriptions()) {
                            assertThat(TopicFilters.matches(m.subscription().topicFilter(), topic)).isTrue();
                        }
                        for (SharedGroupMatch g : result.sharedGroups()) {
                            assertThat(TopicFilters.matches(g.filter(), topic)).isTrue();
                            assertThat(g.members()).isNotEmpty();
                        }
                        matches.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }, "reader-" + r));
        }
        threads.forEach(Thread::start);
        start.countDown();
        for (int w = 0; w < writers; w++) {
            threads.get(w).join();
        }
        writing.set(false);
        for (Thread t : threads) {
            t.join();
        }

        assertThat(failures).isEmpty();
        assertThat(matches.get()).isPositive();

        int expectedSize = 0;
        for (Map<String, LinkedHashMap<String, Subscription>> model : models) {
            for (Map.Entry<String, LinkedHashMap<String, Subscription>> e : model.entrySet()) {
                assertThat(registry.subscriptionsOf(e.getKey())).containsExactlyInAnyOrderElementsOf(e.getValue().values());
                expectedSize += e.getValue().size();
            }
        }
        assertThat(registry.size()).isEqualTo(expectedSize);

        for (String topic : TOPICS) {
            List<SubscriptionMatch> expected = new ArrayList<>();
            Map<String, List<String>> expectedGroupMembers = new LinkedHashMap<>();
            for (Map<String, LinkedHashMap<String, Subscription>> model : models) {
                model.forEach((client, subs) -> subs.values().forEach(s -> {
                    SharedFilter shared = SharedFilter.parse(s.topicFilter());
                    if (shared == null && TopicFilters.matches(s.topicFilter(), topic)) {
                        expected.add(new SubscriptionMatch(client, s));
                    } else if (shared != null && TopicFilters.matches(shared.filter(), topic)) {
                        expectedGroupMembers.computeIfAbsent(shared.group() + "/" + shared.filter(),
                                k -> new ArrayList<>()).add(client);
                    }
                }));
            }
            MatchResult actual = registry.match(topic);
            assertThat(actual.subscriptions()).as(topic).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(actual.sharedGroups()).extracting(SharedGroupMatch::key).as(topic)
                    .containsExactlyInAnyOrderElementsOf(expectedGroupMembers.keySet());
            // Member order across writers depends on interleaving; membership must still agree.
            for (SharedGroupMatch g : actual.sharedGroups()) {
                assertThat(g.members()).extracting(SubscriptionMatch::clientId)
                        .containsExactlyInAnyOrderElementsOf(expectedGroupMembers.get(g.key()));
            }
        }

        // Removing everyone must leave an empty registry, i.e. nothing leaked in the trie or the index.
        for (Map<String, LinkedHashMap<String, Subscription>> model : models) {
            model.keySet().forEach(registry::removeAll);
        }
        assertThat(registry.size()).isZero();
        for (String topic : TOPICS) {
            assertThat(registry.match(topic)).isSameAs(MatchResult.EMPTY);
        }
    }
}
