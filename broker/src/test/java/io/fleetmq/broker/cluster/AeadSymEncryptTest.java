package io.fleetmq.broker.cluster;

import org.junit.jupiter.api.Test;

import javax.crypto.AEADBadTagException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The seal on every node-to-node message: AES-256-GCM with IVs that never repeat under one key. */
class AeadSymEncryptTest {
    private static final byte[] KEY = ClusterSecret.of(
            "0123456789abcdef0123456789abcdef0123456789".getBytes(StandardCharsets.US_ASCII), "c").encryptionKey();

    private static AeadSymEncrypt started(byte[] key) throws Exception {
        AeadSymEncrypt e = new AeadSymEncrypt(key);
        e.init();
        return e;
    }

    @Test
    void ivsAreOneRandomPrefixPlusACounterSoTheyNeverRepeat() {
        AeadSymEncrypt e = new AeadSymEncrypt(KEY);
        Set<ByteBuffer> seen = new HashSet<>();
        long prefix = ByteBuffer.wrap(e.makeIv()).getLong();
        for (int i = 1; i <= 100_000; i++) {
            ByteBuffer iv = ByteBuffer.wrap(e.makeIv());
            assertThat(iv.capacity()).isEqualTo(12);
            assertThat(iv.getLong(0)).isEqualTo(prefix);
            assertThat(iv.getInt(8)).isEqualTo(i);
            assertThat(seen.add(iv)).isTrue();
        }
        assertThat(ByteBuffer.wrap(new AeadSymEncrypt(KEY).makeIv()).getLong()).as("another node's prefix")
                .isNotEqualTo(prefix);
    }

    @Test
    void aSealedMessageOpensWithTheSameKeyOnlyAndNotAfterAnyChange() throws Exception {
        AeadSymEncrypt sender = started(KEY);
        byte[] iv = sender.makeIv();
        byte[] plain = "forward: t/1".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = sender.code(plain, 0, plain.length, iv, false);

        assertThat(started(KEY).code(sealed, 0, sealed.length, iv, true)).isEqualTo(plain);

        byte[] otherKey = ClusterSecret.of("another-secret-another-secret-another-secret".getBytes(
                StandardCharsets.US_ASCII), "c").encryptionKey();
        assertThatThrownBy(() -> started(otherKey).code(sealed, 0, sealed.length, iv, true))
                .isInstanceOf(AEADBadTagException.class);
        byte[] flipped = sealed.clone();
        flipped[0] ^= 1;
        assertThatThrownBy(() -> started(KEY).code(flipped, 0, flipped.length, iv, true))
                .isInstanceOf(AEADBadTagException.class);
    }
}
