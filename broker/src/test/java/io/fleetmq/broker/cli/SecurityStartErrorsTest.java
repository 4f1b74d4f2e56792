package io.fleetmq.broker.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A security file that cannot be used stops a real broker start with exit code 2 and one line naming the file (and
 * line) and what is wrong, before any listener is bound.
 */
class SecurityStartErrorsTest {
    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private int start(String... sets) {
        CommandLine cmd = new CommandLine(new FleetMqCli(Map.of(), BrokerStarter.REAL));
        cmd.setErr(new PrintWriter(err, true));
        cmd.setOut(new PrintWriter(new StringWriter(), true));
        String[] args = new String[sets.length * 2 + 3];
        args[0] = "broker";
        args[1] = "--set";
        args[2] = "listeners.tcp.port=0";
        for (int i = 0; i < sets.length; i++) {
            args[3 + 2 * i] = "--set";
            args[4 + 2 * i] = sets[i];
        }
        return cmd.execute(args);
    }

    private String oneLine() {
        String[] lines = err.toString().strip().split("\\R");
        assertThat(lines).hasSize(1);
        return lines[0];
    }

    @Test
    void malformedPasswordFileNamesFileAndLine() throws Exception {
        Path f = dir.resolve("passwd");
        Files.writeString(f, "# users\nalice:pbkdf2-sha256:100000:c2FsdHNhbHQ=\n");

        assertThat(start("auth.passwordFile=" + f)).isEqualTo(2);
        assertThat(oneLine()).isEqualTo("config error: password file " + f + " line 2: user 'alice': expected "
                + "ALGORITHM:ITERATIONS:SALT:HASH after the user name");
    }

    @Test
    void badAclLineNamesFileAndLine() throws Exception {
        Path f = dir.resolve("acl");
        Files.writeString(f, "allow all client * devices/%c/#\nallow publish user ops devices/#/x\n");

        assertThat(start("auth.aclFile=" + f)).isEqualTo(2);
        assertThat(oneLine()).startsWith("config error: ACL file " + f + " line 2: topic pattern 'devices/#/x':");
    }

    @Test
    void missingCertificateFileNamesTheKey() {
        assertThat(start("listeners.tls.enabled=true", "listeners.tls.port=0",
                "tls.certFile=" + dir.resolve("nope.pem"), "tls.keyFile=" + dir.resolve("nope.key"))).isEqualTo(2);
        assertThat(oneLine()).isEqualTo("config error: tls.certFile: cannot read " + dir.resolve("nope.pem")
                + ": no such file");
    }

    @Test
    void requiredClientCertificatesWithoutCaBundleIsRefused() throws Exception {
        Path cert = Files.writeString(dir.resolve("c.pem"), "x");
        assertThat(start("listeners.tls.enabled=true", "listeners.tls.port=0", "listeners.tls.clientAuth=required",
                "tls.certFile=" + cert, "tls.keyFile=" + cert)).isEqualTo(2);
        assertThat(oneLine()).isEqualTo("config error: listeners.tls.clientAuth is required but tls.caFile (the CAs "
                + "to verify client certificates against) is not set");
    }

    @Test
    void keyThatIsNotPemNamesBothFiles() throws Exception {
        Path cert = Files.writeString(dir.resolve("c.pem"), "not a certificate");
        Path key = Files.writeString(dir.resolve("k.pem"), "not a key");
        assertThat(start("listeners.tls.enabled=true", "listeners.tls.port=0", "tls.certFile=" + cert,
                "tls.keyFile=" + key)).isEqualTo(2);
        assertThat(oneLine()).startsWith("config error: tls.certFile " + cert + " / tls.keyFile " + key + ": ");
    }

    @Test
    void jwksFileThatIsNotJsonIsRefused() throws Exception {
        Path f = Files.writeString(dir.resolve("jwks.json"), "{\"keys\": [");
        assertThat(start("auth.jwksFile=" + f)).isEqualTo(2);
        assertThat(oneLine()).startsWith("config error: JWKS file " + f + ": not a JSON Web Key Set");
    }

    @Test
    void clientIdBindingNoneWithAPasswordFileIsRefusedNamingTheKey() throws Exception {
        Path f = dir.resolve("passwd");
        Files.writeString(f, "");

        assertThat(start("auth.passwordFile=" + f, "auth.clientIdBinding=none")).isEqualTo(2);
        assertThat(oneLine()).startsWith("config error: auth.clientIdBinding: none is only allowed without "
                + "authentication");
    }
}
