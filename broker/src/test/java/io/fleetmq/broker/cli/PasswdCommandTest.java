package io.fleetmq.broker.cli;

import io.fleetmq.broker.auth.PasswordFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code fleetmq passwd FILE USER}: the file it writes is one the broker's password check accepts. */
class PasswdCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String stdin, String... args) {
        CommandLine cl = new CommandLine(new PasswdCommand(
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), null));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void createsTheFileWithAVerifiableHashAndOwnerOnlyPermissions() throws Exception {
        Path f = dir.resolve("passwd");

        assertThat(run("s3cret-1\n", f.toString(), "dev-1", "--iterations", "1000")).isZero();
        assertThat(run("s3cret-2\n", f.toString(), "ops", "--iterations", "1000")).isZero();

        PasswordFile pf = PasswordFile.read(f);
        assertThat(pf.hashOf("dev-1").matches("s3cret-1".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(pf.hashOf("dev-1").matches("s3cret-2".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(pf.hashOf("ops").matches("s3cret-2".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(Files.readString(f)).doesNotContain("s3cret");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
    }

    @Test
    void changingAPasswordKeepsTheOtherUsersAndDeleteRemovesOne() throws Exception {
        Path f = dir.resolve("passwd");
        run("a\n", f.toString(), "u1", "--iterations", "1000");
        run("b\n", f.toString(), "u2", "--iterations", "1000");

        assertThat(run("c\n", f.toString(), "u1", "--iterations", "1000")).isZero();
        assertThat(PasswordFile.read(f).hashOf("u1").matches("c".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(PasswordFile.read(f).hashOf("u2").matches("b".getBytes(StandardCharsets.UTF_8))).isTrue();

        assertThat(run("", f.toString(), "u2", "--delete")).isZero();
        assertThat(PasswordFile.read(f).users()).containsOnlyKeys("u1");
    }

    @Test
    void badInputExitsTwoWithOneLine() throws Exception {
        Path f = dir.resolve("passwd");
        assertThat(run("x\n", f.toString(), "bad:user")).isEqualTo(2);
        assertThat(err.toString()).contains("user name must be");
        assertThat(run("", f.toString(), "u1")).isEqualTo(2);
        assertThat(err.toString()).contains("empty password");

        Files.writeString(f, "u1:pbkdf2-sha256:10:abc\n");
        assertThat(run("x\n", f.toString(), "u2")).isEqualTo(2);
        assertThat(err.toString()).contains("password file " + f + " line 1:");
    }

    @Test
    void isASubcommandOfTheRootCommand() {
        assertThat(FleetMqCli.commandLine(new FleetMqCli()).getSubcommands()).containsKey("passwd");
    }
}
