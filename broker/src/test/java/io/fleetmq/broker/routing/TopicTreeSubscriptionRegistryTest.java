package io.fleetmq.broker.routing;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TopicTreeSubscriptionRegistryTest {

    private final TopicTreeSubscriptionRegistry registry = new TopicTreeSubscriptionRegistry();

    private static List<String> clientsOf(MatchResult result) {
        return result.subscriptions().stream().map(SubscriptionMatch::clientId).toList();
    }

    private static List<String> filtersOf(MatchResult result) {
        return result.subscriptions().stream().map(m -> m.subscription().topicFilter()).toList();
    }

    @Test
    void matchesExactAndWildcardSubscriptions() {
        registry.subscribe("c1", Subscription.of("sport/tennis/player1", 0));
        registry.subscribe("c2", Subscription.of("sport/+/player1", 1));
        registry.subscribe("c3", Subscription.of("sport/#", 2));
        registry.subscribe("c4", Subscription.of("news/#", 0));

        assertThat(clientsOf(registry.match("sport/tennis/player1"))).containsExactlyInAnyOrder("c1", "c2", "c3");
        assertThat(clientsOf(registry.match("news"))).containsExactly("c4");
        assertThat(registry.match("weather").isEmpty()).isTrue();
        assertThat(registry.match("weather")).isSameAs(MatchResult.EMPTY);
    }

    @Test
    void multiLevelWildcardMatchesParentLevel() {
        // Spec 4.7.1.2: "sport/#" matches "sport".
        registry.subscribe("c1", Subscription.of("sport/#", 0));
        assertThat(clientsOf(registry.match("sport"))).containsExactly("c1");
        assertThat(clientsOf(registry.match("sport/"))).containsExactly("c1");
        assertThat(registry.match("sports").isEmpty()).isTrue();
    }

    @Test
    void singleLevelWildcardMatchesEmptyLevelButNotMissingLevel() {
        registry.subscribe("c1", Subscription.of("sport/+", 0));
        registry.subscribe("c2", Subscription.of("+/+", 0));
        assertThat(clientsOf(registry.match("sport/"))).containsExactlyInAnyOrder("c1", "c2");
        assertThat(registry.match("sport").isEmpty()).isTrue();
        assertThat(clientsOf(registry.match("/finance"))).containsExactly("c2");
    }

    @Test
    void leadingWildcardsDoNotMatchDollarTopics() {
        // [MQTT-4.7.2-1]
        registry.subscribe("all", Subscription.of("#", 0));
        registry.subscribe("plus", Subscription.of("+/monitor/Clients", 0));
        registry.subscribe("sys", Subscription.of("$SYS/#", 0));
        registry.subscribe("sysPlus", Subscription.of("$SYS/+/Clients", 0));
        registry.subscribe("shared", Subscription.of("$share/g/#", 0));

        assertThat(clientsOf(registry.match("$SYS/monitor/Clients"))).containsExactlyInAnyOrder("sys", "sysPlus");
        assertThat(registry.match("$SYS/monitor/Clients").sharedGroups()).isEmpty();
        assertThat(clientsOf(registry.match("a/monitor/Clients"))).containsExactlyInAnyOrder("all", "plus");
        assertThat(clientsOf(registry.match("a/$SYS"))).containsExactly("all");
    }

    @Test
    void overlappingFiltersOfOneClientEachAppear() {
        // The caller merges them (v5 delivers once with all subscription identifiers, spec 3.3.4).
        registry.subscribe("c1", Subscription.of("a/+", 1));
        registry.subscribe("c1", Subscription.of("a/#", 2));
        registry.subscribe("c1", Subscription.of("a/b", 0));
        assertThat(filtersOf(registry.match("a/b"))).containsExactlyInAnyOrder("a/+", "a/#", "a/b");
        assertThat(clientsOf(registry.match("a/b"))).containsOnly("c1");
    }

    @Test
    void resubscribeReplacesTheSubscription() {
        // [MQTT-3.8.4-3]
        assertThat(registry.subscribe("c1", Subscription.of("a/b", 0))).isTrue();
        assertThat(registry.subscribe("c1", Subscription.of("a/b", 2))).isFalse();

        assertThat(registry.size()).isEqualTo(1);
        assertThat(registry.match("a/b").subscriptions())
                .containsExactly(new SubscriptionMatch("c1", Subscription.of("a/b", 2)));
        assertThat(registry.subscriptionsOf("c1")).containsExactly(Subscription.of("a/b", 2));
    }

    @Test
    void subscribeReportsNewOnlyForNewExactFilter() {
        assertThat(registry.subscribe("c1", Subscription.of("a/+", 0))).isTrue();
        assertThat(registry.subscribe("c1", Subscription.of("a/#", 0))).isTrue();
        assertThat(registry.subscribe("c2", Subscription.of("a/+", 0))).isTrue();
        assertThat(registry.subscribe("c1", Subscription.of("a/+", 1))).isFalse();
    }

    @Test
    void unsubscribeRemovesOnlyTheExactFilter() {
        registry.subscribe("c1", Subscription.of("a/+", 0));
        registry.subscribe("c1", Subscription.of("a/#", 0));

        assertThat(registry.unsubscribe("c1", "a/+")).isTrue();
        assertThat(registry.unsubscribe("c1", "a/+")).isFalse();
        assertThat(registry.unsubscribe("c1", "a/b")).isFalse();
        assertThat(registry.unsubscribe("nobody", "a/#")).isFalse();

        assertThat(filtersOf(registry.match("a/b"))).containsExactly("a/#");
        assertThat(registry.size()).isEqualTo(1);
    }

    @Test
    void unsubscribeOfOneClientKeepsOthersOnTheSameFilter() {
        registry.subscribe("c1", Subscription.of("a/b", 0));
        registry.subscribe("c2", Subscription.of("a/b", 0));
        registry.unsubscribe("c1", "a/b");
        assertThat(clientsOf(registry.match("a/b"))).containsExactly("c2");
    }

    @Test
    void removeAllDropsEveryFilterOfTheClient() {
        registry.subscribe("c1", Subscription.of("a/b", 0));
        registry.subscribe("c1", Subscription.of("$share/g/a/b", 0));
        registry.subscribe("c1", Subscription.of("#", 0));
        registry.subscribe("c2", Subscription.of("a/b", 0));

        registry.removeAll("c1");
        registry.removeAll("unknown");

        assertThat(registry.subscriptionsOf("c1")).isEmpty();
        assertThat(clientsOf(registry.match("a/b"))).containsExactly("c2");
        assertThat(registry.match("a/b").sharedGroups()).isEmpty();
        assertThat(registry.size()).isEqualTo(1);
    }

    @Test
    void subscriptionsOfListsInSubscriptionOrder() {
        registry.subscribe("c1", Subscription.of("z", 0));
        registry.subscribe("c1", Subscription.of("a", 1));
        registry.subscribe("c1", Subscription.of("$share/g/m", 2));
        assertThat(registry.subscriptionsOf("c1")).extracting(Subscription::topicFilter)
                .containsExactly("z", "a", "$share/g/m");
        assertThat(registry.subscriptionsOf("other")).isEmpty();
    }

    @Test
    void sharedGroupMatchesWithMembersInSubscriptionOrder() {
        // [MQTT-4.8.2-4]: the group is returned once; the caller picks one member.
        registry.subscribe("w2", Subscription.of("$share/workers/jobs/+", 1));
        registry.subscribe("w1", Subscription.of("$share/workers/jobs/+", 1));
        registry.subscribe("w3", Subscription.of("$share/workers/jobs/+", 0));

        MatchResult result = registry.match("jobs/42");
        assertThat(result.subscriptions()).isEmpty();
        assertThat(result.sharedGroups()).hasSize(1);
        SharedGroupMatch group = result.sharedGroups().get(0);
        assertThat(group.group()).isEqualTo("workers");
        assertThat(group.filter()).isEqualTo("jobs/+");
        assertThat(group.key()).isEqualTo("workers/jobs/+");
        assertThat(group.members()).extracting(SubscriptionMatch::clientId).containsExactly("w2", "w1", "w3");
        assertThat(group.members().get(0).subscription().topicFilter()).isEqualTo("$share/workers/jobs/+");
    }

    @Test
    void sharedResubscribeKeepsPositionAndRejoinGoesLast() {
        registry.subscribe("w1", Subscription.of("$share/g/a", 0));
        registry.subscribe("w2", Subscription.of("$share/g/a", 0));
        registry.subscribe("w3", Subscription.of("$share/g/a", 0));

        assertThat(registry.subscribe("w1", Subscription.of("$share/g/a", 2))).isFalse();
        assertThat(registry.match("a").sharedGroups().get(0).members())
                .extracting(SubscriptionMatch::clientId).containsExactly("w1", "w2", "w3");
        assertThat(registry.match("a").sharedGroups().get(0).members().get(0).subscription().qos()).isEqualTo(2);

        registry.unsubscribe("w2", "$share/g/a");
        registry.subscribe("w2", Subscription.of("$share/g/a", 0));
        assertThat(registry.match("a").sharedGroups().get(0).members())
                .extracting(SubscriptionMatch::clientId).containsExactly("w1", "w3", "w2");
    }

    @Test
    void differentGroupsOnTheSameFilterAreSeparate() {
        registry.subscribe("w1", Subscription.of("$share/g1/a/#", 0));
        registry.subscribe("w2", Subscription.of("$share/g2/a/#", 0));
        registry.subscribe("w3", Subscription.of("$share/g1/a/+", 0));

        assertThat(registry.match("a/b").sharedGroups()).extracting(SharedGroupMatch::key)
                .containsExactlyInAnyOrder("g1/a/#", "g2/a/#", "g1/a/+");
    }

    @Test
    void clientMayHoldSharedAndOrdinarySubscriptionOnTheSameFilter() {
        assertThat(registry.subscribe("c1", Subscription.of("a/b", 0))).isTrue();
        assertThat(registry.subscribe("c1", Subscription.of("$share/g/a/b", 1))).isTrue();
        assertThat(registry.subscribe("c1", Subscription.of("$share/h/a/b", 1))).isTrue();

        MatchResult result = registry.match("a/b");
        assertThat(clientsOf(result)).containsExactly("c1");
        assertThat(result.sharedGroups()).extracting(SharedGroupMatch::group).containsExactlyInAnyOrder("g", "h");
        assertThat(registry.size()).isEqualTo(3);

        registry.unsubscribe("c1", "$share/g/a/b");
        assertThat(clientsOf(registry.match("a/b"))).containsExactly("c1");
        assertThat(registry.match("a/b").sharedGroups()).extracting(SharedGroupMatch::group).containsExactly("h");
    }

    @Test
    void lastSharedMemberLeavingRemovesTheGroup() {
        registry.subscribe("w1", Subscription.of("$share/g/a", 0));
        registry.unsubscribe("w1", "$share/g/a");
        assertThat(registry.match("a")).isSameAs(MatchResult.EMPTY);
        assertThat(registry.size()).isZero();
    }

    @Test
    void emptyAndSlashLevelsAreDistinct() {
        registry.subscribe("slashFinance", Subscription.of("/finance", 0));
        registry.subscribe("finance", Subscription.of("finance", 0));
        registry.subscribe("slash", Subscription.of("/", 0));
        registry.subscribe("plusPlus", Subscription.of("+/+", 0));

        assertThat(clientsOf(registry.match("/finance"))).containsExactlyInAnyOrder("slashFinance", "plusPlus");
        assertThat(clientsOf(registry.match("finance"))).containsExactly("finance");
        assertThat(clientsOf(registry.match("/"))).containsExactlyInAnyOrder("slash", "plusPlus");
    }

    @Test
    void sizeCountsEverySubscriptionIncludingSharedMembers() {
        registry.subscribe("c1", Subscription.of("a", 0));
        registry.subscribe("c2", Subscription.of("a", 0));
        registry.subscribe("c1", Subscription.of("$share/g/a", 0));
        registry.subscribe("c2", Subscription.of("$share/g/a", 0));
        registry.subscribe("c2", Subscription.of("$share/g/a", 1)); // replace, not add
        assertThat(registry.size()).isEqualTo(4);
    }

    @Test
    void rejectsInvalidFilters() {
        assertThatIllegalArgumentException().isThrownBy(() -> registry.subscribe("c", Subscription.of("a/#/b", 0)));
        assertThatIllegalArgumentException().isThrownBy(() -> registry.subscribe("c", Subscription.of("", 0)));
        assertThatIllegalArgumentException().isThrownBy(() -> registry.subscribe("c", Subscription.of("$share//a", 0)));
        assertThat(registry.size()).isZero();
        assertThat(registry.subscriptionsOf("c")).isEmpty();
    }

    @Test
    void deepTopicsDoNotOverflowTheStack() {
        // A 65535-byte topic can have 32k levels; matching must not recurse per level.
        String deep = "a/".repeat(30_000) + "a";
        String deepPlus = "+/".repeat(30_000) + "+";
        registry.subscribe("c1", Subscription.of(deep, 0));
        registry.subscribe("c2", Subscription.of(deepPlus, 0));
        assertThat(clientsOf(registry.match(deep))).containsExactlyInAnyOrder("c1", "c2");
        registry.removeAll("c1");
        registry.removeAll("c2");
        assertThat(registry.size()).isZero();
    }

    @Test
    void fansOutToManySubscribersOfOneFilter() {
        for (int i = 0; i < 10_000; i++) {
            registry.subscribe("c" + i, Subscription.of("fleet/+/cmd", 0));
        }
        assertThat(registry.match("fleet/x/cmd").subscriptions()).hasSize(10_000);
        assertThat(registry.size()).isEqualTo(10_000);
    }
}
