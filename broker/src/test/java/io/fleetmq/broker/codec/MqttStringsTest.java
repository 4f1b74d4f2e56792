package io.fleetmq.broker.codec;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MqttStringsTest {

    @Test
    void acceptsOrdinaryAndSupplementaryCharacters() {
        assertThat(MqttStrings.invalidReason("sensors/ä/中/😀")).isNull();
        assertThat(MqttStrings.invalidReason("")).isNull();
    }

    @Test
    void refusesNullCharacter() {
        // [MQTT-1.5.4-2]
        assertThat(MqttStrings.invalidReason("a\u0000b")).contains("U+0000").contains("MQTT-1.5.4-2");
    }

    @Test
    void refusesReplacementCharacterAsIllFormedUtf8() {
        // [MQTT-1.5.4-1]; known deviation: a genuinely encoded U+FFFD is refused too.
        assertThat(MqttStrings.invalidReason("a\uFFFDb")).contains("MQTT-1.5.4-1");
    }

    @Test
    void refusesUnpairedSurrogates() {
        assertThat(MqttStrings.invalidReason("a\uD800")).contains("unpaired surrogate");
        assertThat(MqttStrings.invalidReason("a\uD800b")).contains("unpaired surrogate");
        assertThat(MqttStrings.invalidReason("\uDC00a")).contains("unpaired surrogate");
    }

    @Test
    void allowsControlCharactersTheSpecOnlyDiscourages() {
        // MQTT 5 §1.5.4: U+0001..U+001F and U+007F..U+009F SHOULD NOT be sent, but may be accepted.
        assertThat(MqttStrings.invalidReason("\u0001\u001F\u007F\u009F")).isNull();
        assertThat(MqttStrings.invalidReason("\uFFFF")).isNull();
    }

    @Test
    void refusesStringsLongerThan65535Utf8Bytes() {
        assertThat(MqttStrings.invalidReason("a".repeat(65_535))).isNull();
        assertThat(MqttStrings.invalidReason("a".repeat(65_536))).contains("65535");
        assertThat(MqttStrings.invalidReason("€".repeat(21_846))).contains("65535"); // 3 bytes each = 65538
    }

    @Test
    void refusesNull() {
        assertThat(MqttStrings.invalidReason(null)).isNotNull();
    }
}
