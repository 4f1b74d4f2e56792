package io.fleetmq.broker.auth;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** What an ACL pattern covers (allow) and overlaps (deny), filter by filter. */
class TopicPatternsTest {

    @ParameterizedTest(name = "{0} covers {1}: {2}")
    @CsvSource({
            "devices/d1/#, devices/d1/#, true",
            "devices/d1/#, devices/d1, true",
            "devices/d1/#, devices/d1/a/b, true",
            "devices/d1/#, devices/d1/+, true",
            "devices/d1/#, devices/#, false",
            "devices/d1/#, devices/+/temp, false",
            "devices/+/temp, devices/d1/temp, true",
            "devices/+/temp, devices/+/temp, true",
            "devices/+/temp, devices/#, false",
            "devices/+/temp, devices/d1/temp/x, false",
            "#, a/b, true",
            "#, $SYS/broker/version, false",
            "+/broker/version, $SYS/broker/version, false",
            "$SYS/#, $SYS/broker/version, true",
            "a/b, a/b, true",
            "a/b, a/b/c, false",
    })
    void covers(String pattern, String filter, boolean expected) {
        assertThat(TopicPatterns.covers(pattern, filter)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} overlaps {1}: {2}")
    @CsvSource({
            "devices/d2/#, devices/#, true",
            "devices/d2/#, devices/+/temp, true",
            "devices/d2/#, devices/d1/#, false",
            "devices/d2/firmware, devices/+/+, true",
            "devices/d2/firmware, devices/+, false",
            "a/#, a, true",
            "a, a/#, true",
            "#, $SYS/x, false",
    })
    void overlaps(String pattern, String filter, boolean expected) {
        assertThat(TopicPatterns.overlaps(pattern, filter)).isEqualTo(expected);
    }
}
