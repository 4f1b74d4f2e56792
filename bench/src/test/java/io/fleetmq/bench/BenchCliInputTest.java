package io.fleetmq.bench;

import io.fleetmq.bench.testing.Bench;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad options exit 2 with one line on stderr, before any connection is tried. TLS options are checked for parsing
 * and cross-option rules only: the broker has no TLS listener yet, so no TLS handshake is tested here.
 */
class BenchCliInputTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {
            "pub -c 0 -t a",
            "pub -t a -q 3",
            "pub -t a/+ ",
            "pub -t a -s 4",
            "pub -t a -V 6",
            "pub -t a -p 70000",
            "pub -t a -x 10 -V 4",
            "sub -q 1",
            "sub -t a --expect -1",
            "conn -c 2 --workers 3",
            "conn --bogus",
            "conn -k 70000",
            "conn --ifaddr no.such.host.invalid",
            "conn --certfile /nonexistent.pem",
            "conn --ssl --certfile /nonexistent.pem --keyfile /nonexistent.pem",
            "conn --ssl --ssl-insecure --cacertfile /etc/hostname",
            "conn --ssl --certfile /etc/hostname",
            "pub -t a -c 4 -L 2 --workers 2 -p 1",
            "nosuchmode",
    })
    void badInputExitsTwoWithOneLine(String args) {
        Bench b = Bench.run(args.trim().split("\\s+"));
        assertThat(b.exitCode()).as(b.out() + b.err()).isEqualTo(2);
        assertThat(b.err().strip().lines().count()).as(b.err()).isEqualTo(1);
        assertThat(b.err()).contains("(see --help)");
    }

    @Test
    void tlsFilesThatAreNotPemAreBadInput() throws Exception {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "not a certificate");
        Path key = Files.writeString(dir.resolve("key.pem"), "not a key");
        Bench b = Bench.run("conn", "--ssl", "--certfile", cert.toString(), "--keyfile", key.toString(), "-c", "1");
        assertThat(b.exitCode()).as(b.err()).isEqualTo(2);
        assertThat(b.err()).contains("TLS options");
    }

    @Test
    void insecureTlsOptionsParseAndTheRunFailsOnlyAtConnect() {
        // Nothing listens on port 1 of 127.0.0.1: the options are accepted, the client then fails to connect (exit 1).
        Bench b = Bench.run("conn", "--ssl", "--ssl-insecure", "-h", "127.0.0.1", "-p", "1", "-c", "1",
                "--duration", "2");
        assertThat(b.exitCode()).as(b.err()).isEqualTo(1);
        assertThat(b.out()).contains("conn_fail total=1");
    }

    @Test
    void helpListsTheEmqttBenchOptions() {
        Bench b = Bench.run("pub", "--help");
        assertThat(b.exitCode()).isZero();
        assertThat(b.out()).contains("-h, --host", "-p, --port", "-V, --version", "-c, --count", "-i, --interval",
                "-R, --connrate", "-n, --startnumber", "-t, --topic", "-q, --qos", "-s, --size",
                "-I, --interval_of_msg", "-L, --limit", "-k, --keepalive", "-C, --clean", "-x, --session-expiry",
                "-u, --username", "-P, --password", "--ifaddr", "--workers", "--report", "--ssl", "--cacertfile",
                "--certfile", "--keyfile", "--ssl-insecure");
    }
}
