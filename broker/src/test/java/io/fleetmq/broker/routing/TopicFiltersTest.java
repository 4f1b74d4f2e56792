package io.fleetmq.broker.routing;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TopicFiltersTest {

    @Nested
    class FilterValidation {

        @ParameterizedTest
        @ValueSource(strings = {"a", "a/b", "/", "//", "/finance", "#", "+", "+/+", "sport/#", "sport/+/player1",
                "+/tennis/#", "$SYS/#", "a//b", "a/+/", "$share"})
        void acceptsWellFormedFilters(String filter) {
            assertThat(TopicFilters.validateFilter(filter)).isNull();
        }

        @Test
        void rejectsEmptyFilter() {
            // [MQTT-4.7.3-1]
            assertThat(TopicFilters.validateFilter("")).isNotNull();
        }

        @Test
        void rejectsNull() {
            assertThat(TopicFilters.validateFilter(null)).isNotNull();
        }

        @ParameterizedTest
        @ValueSource(strings = {"sport/tennis#", "sport/#/ranking", "#/a", "a#", "##", "a/#b", "a/#/"})
        void rejectsMultiLevelWildcardNotAloneAtTheEnd(String filter) {
            // [MQTT-4.7.1-2]
            assertThat(TopicFilters.validateFilter(filter)).isNotNull();
        }

        @ParameterizedTest
        @ValueSource(strings = {"sport+", "sport/+tennis", "+a", "a+/b", "++", "a/++"})
        void rejectsSingleLevelWildcardSharingItsLevel(String filter) {
            // [MQTT-4.7.1-3]
            assertThat(TopicFilters.validateFilter(filter)).isNotNull();
        }

        @Test
        void rejectsNullCharacter() {
            // [MQTT-4.7.3-2]
            assertThat(TopicFilters.validateFilter("a/\u0000b")).isNotNull();
            assertThat(TopicFilters.validateFilter("$share/g\u0000/a")).isNotNull();
        }
    }

    @Nested
    class SharedFilters {

        @ParameterizedTest
        @ValueSource(strings = {"$share/g/a", "$share/g/#", "$share/group-1/+/x", "$share/g//", "$share/$g/a"})
        void acceptsWellFormedSharedFilters(String filter) {
            assertThat(TopicFilters.validateFilter(filter)).isNull();
            assertThat(TopicFilters.isShared(filter)).isTrue();
        }

        @Test
        void rejectsEmptyShareName() {
            // [MQTT-4.8.2-1]: the ShareName is at least one character long.
            assertThat(TopicFilters.validateFilter("$share//a")).isNotNull();
        }

        @ParameterizedTest
        @ValueSource(strings = {"$share/g+/a", "$share/+/a", "$share/#/a", "$share/g#/a"})
        void rejectsWildcardsInShareName(String filter) {
            // [MQTT-4.8.2-2]
            assertThat(TopicFilters.validateFilter(filter)).isNotNull();
        }

        @ParameterizedTest
        @ValueSource(strings = {"$share/g", "$share/g/", "$share/"})
        void rejectsMissingOrEmptyFilterAfterShareName(String filter) {
            // [MQTT-4.8.2-1]: a topic filter must follow the share name.
            assertThat(TopicFilters.validateFilter(filter)).isNotNull();
        }

        @Test
        void rejectsInvalidFilterAfterShareName() {
            // [MQTT-4.8.2-1] + [MQTT-4.7.1-2]: the filter part follows the ordinary rules.
            assertThat(TopicFilters.validateFilter("$share/g/a/#/b")).isNotNull();
            assertThat(TopicFilters.validateFilter("$share/g/a+")).isNotNull();
        }

        @Test
        void recognisesOnlyTheSharePrefix() {
            assertThat(TopicFilters.isShared("$share/g/a")).isTrue();
            assertThat(TopicFilters.isShared("$share")).isFalse();
            assertThat(TopicFilters.isShared("$shared/g/a")).isFalse();
            assertThat(TopicFilters.isShared("a/$share/g")).isFalse();
            assertThat(TopicFilters.isShared(null)).isFalse();
        }

        @Test
        void parsesGroupAndFilter() {
            assertThat(SharedFilter.parse("$share/g/a/+/#")).isEqualTo(new SharedFilter("g", "a/+/#"));
            assertThat(SharedFilter.parse("$share/g//")).isEqualTo(new SharedFilter("g", "/"));
        }

        @Test
        void parseReturnsNullForOrdinaryFilters() {
            assertThat(SharedFilter.parse("a/b")).isNull();
        }

        @Test
        void parseRejectsSharedFilterWithoutTopicFilter() {
            assertThatIllegalArgumentException().isThrownBy(() -> SharedFilter.parse("$share/g"));
        }
    }

    @Nested
    class TopicNameValidation {

        @ParameterizedTest
        @ValueSource(strings = {"a", "/", "/finance", "a//b", "$SYS/broker", "a/"})
        void acceptsTopicNames(String topic) {
            assertThat(TopicFilters.validateTopicName(topic)).isNull();
        }

        @Test
        void rejectsEmptyTopicName() {
            // [MQTT-4.7.3-1]
            assertThat(TopicFilters.validateTopicName("")).isNotNull();
        }

        @ParameterizedTest
        @ValueSource(strings = {"a/+", "a/#", "+", "#", "a+b"})
        void rejectsWildcardsInTopicName(String topic) {
            // [MQTT-3.3.2-2]
            assertThat(TopicFilters.validateTopicName(topic)).isNotNull();
        }

        @Test
        void rejectsNullCharacter() {
            // [MQTT-4.7.3-2]
            assertThat(TopicFilters.validateTopicName("a\u0000")).isNotNull();
        }
    }

    @Nested
    class Matching {

        @Test
        void exactFilterMatchesOnlyTheSameTopic() {
            assertThat(TopicFilters.matches("a/b", "a/b")).isTrue();
            assertThat(TopicFilters.matches("a/b", "a/b/c")).isFalse();
            assertThat(TopicFilters.matches("a/b", "a")).isFalse();
            assertThat(TopicFilters.matches("a/b", "a/bc")).isFalse();
            assertThat(TopicFilters.matches("A", "a")).isFalse(); // case-sensitive (spec 4.7.3)
        }

        @Test
        void multiLevelWildcardMatchesParentAndAllDescendants() {
            // Spec 4.7.1.2: "sport/#" also matches "sport".
            assertThat(TopicFilters.matches("sport/#", "sport")).isTrue();
            assertThat(TopicFilters.matches("sport/#", "sport/")).isTrue();
            assertThat(TopicFilters.matches("sport/#", "sport/tennis/player1")).isTrue();
            assertThat(TopicFilters.matches("sport/#", "sports")).isFalse();
            assertThat(TopicFilters.matches("#", "anything/at/all")).isTrue();
        }

        @Test
        void singleLevelWildcardMatchesExactlyOneLevelIncludingEmpty() {
            // Spec 4.7.1.3
            assertThat(TopicFilters.matches("sport/tennis/+", "sport/tennis/player1")).isTrue();
            assertThat(TopicFilters.matches("sport/tennis/+", "sport/tennis/player1/ranking")).isFalse();
            assertThat(TopicFilters.matches("sport/+", "sport")).isFalse();
            assertThat(TopicFilters.matches("sport/+", "sport/")).isTrue();
            assertThat(TopicFilters.matches("+", "")).isTrue();
            assertThat(TopicFilters.matches("+/+", "/finance")).isTrue();
            assertThat(TopicFilters.matches("/+", "/finance")).isTrue();
            assertThat(TopicFilters.matches("+", "/finance")).isFalse();
        }

        @Test
        void emptyLevelsAreDistinctLevels() {
            assertThat(TopicFilters.matches("/finance", "/finance")).isTrue();
            assertThat(TopicFilters.matches("finance", "/finance")).isFalse();
            assertThat(TopicFilters.matches("a//b", "a//b")).isTrue();
            assertThat(TopicFilters.matches("a/+/b", "a//b")).isTrue();
        }

        @Test
        void leadingWildcardDoesNotMatchDollarTopics() {
            // [MQTT-4.7.2-1]
            assertThat(TopicFilters.matches("#", "$SYS/broker/clients")).isFalse();
            assertThat(TopicFilters.matches("+/monitor/Clients", "$SYS/monitor/Clients")).isFalse();
            assertThat(TopicFilters.matches("+", "$SYS")).isFalse();
            assertThat(TopicFilters.matches("$SYS/#", "$SYS/monitor/Clients")).isTrue();
            assertThat(TopicFilters.matches("$SYS/#", "$SYS")).isTrue();
            assertThat(TopicFilters.matches("$SYS/monitor/+", "$SYS/monitor/Clients")).isTrue();
            // Only the first character of the topic counts.
            assertThat(TopicFilters.matches("a/+", "a/$SYS")).isTrue();
            assertThat(TopicFilters.matches("a/#", "a/$SYS")).isTrue();
        }

        @Test
        void levelsSplitKeepsEmptyLevels() {
            assertThat(TopicFilters.levels("/a/")).containsExactly("", "a", "");
            assertThat(TopicFilters.levels("a")).containsExactly("a");
            assertThat(TopicFilters.levels("/")).containsExactly("", "");
        }
    }
}
