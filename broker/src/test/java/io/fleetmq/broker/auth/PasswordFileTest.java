package io.fleetmq.broker.auth;

import io.fleetmq.broker.files.FileFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Password hashes: salted (same password, different hash), verifiable, and the file's error messages. */
class PasswordFileTest {
    @TempDir
    Path dir;

    @Test
    void samePasswordGetsADifferentSaltAndBothVerify() {
        PasswordHash a = PasswordHash.create("pw".toCharArray(), 1_000);
        PasswordHash b = PasswordHash.create("pw".toCharArray(), 1_000);

        assertThat(a.format()).isNotEqualTo(b.format());
        assertThat(PasswordHash.parse(a.format()).matches("pw".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(PasswordHash.parse(b.format()).matches("pW".getBytes(StandardCharsets.UTF_8))).isFalse();
    }

    @Test
    void renderedFileReadsBack() throws Exception {
        Path f = dir.resolve("passwd");
        Files.writeString(f, PasswordFile.render(Map.of("u", PasswordHash.create("x".toCharArray(), 1_000))));

        assertThat(PasswordFile.read(f).hashOf("u").matches("x".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(PasswordFile.read(f).hashOf("v")).isNull();
    }

    @Test
    void malformedLinesAreNamedWithoutEchoingTheHash() throws Exception {
        Path f = dir.resolve("passwd");
        String good = PasswordHash.create("x".toCharArray(), 1_000).format();
        Files.writeString(f, "u:" + good + "\nu:" + good + "\n");
        assertThatThrownBy(() -> PasswordFile.read(f)).isInstanceOf(FileFormatException.class)
                .hasMessage("password file " + f + " line 2: user 'u' appears twice");

        Files.writeString(f, "u:md5:1000:YWJjZGVmZ2g=:YWJjZGVmZ2hpamtsbW5vcA==\n");
        assertThatThrownBy(() -> PasswordFile.read(f))
                .hasMessage("password file " + f + " line 1: user 'u': unknown hash algorithm 'md5' "
                        + "(expected pbkdf2-sha256 or pbkdf2-sha512)");

        Files.writeString(f, "just-a-name\n");
        assertThatThrownBy(() -> PasswordFile.read(f)).hasMessageContaining("line 1: expected USER:pbkdf2-sha256");
    }
}
