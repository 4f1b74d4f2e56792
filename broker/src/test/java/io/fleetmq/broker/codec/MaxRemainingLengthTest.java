package io.fleetmq.broker.codec;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import static org.assertj.core.api.Assertions.assertThat;

/** The decoder limit derived from mqtt.maxPacketSize bounds the whole packet exactly [MQTT-3.1.2-24]. */
class MaxRemainingLengthTest {

    @Property(tries = 2000)
    void largestAllowedRemainingLengthFitsAndOneMoreDoesNot(
            @ForAll @IntRange(min = 16, max = 268_435_460) int maxPacketSize) {
        int remaining = PacketSizes.maxRemainingLength(maxPacketSize);
        assertThat(wholePacket(remaining)).isLessThanOrEqualTo(maxPacketSize);
        if (remaining < PacketSizes.MAX_REMAINING_LENGTH) {
            assertThat(wholePacket(remaining + 1L)).isGreaterThan(maxPacketSize);
        }
    }

    private static long wholePacket(long remainingLength) {
        return 1 + PacketSizes.variableByteIntegerSize(remainingLength) + remainingLength;
    }
}
