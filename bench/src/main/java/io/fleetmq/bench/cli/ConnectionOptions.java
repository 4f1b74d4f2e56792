package io.fleetmq.bench.cli;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import javax.net.ssl.SSLException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Flags every mode shares: where to connect, how many clients, at what pace, as whom, over what. */
public final class ConnectionOptions {

    @Option(names = {"-h", "--host"}, split = ",", defaultValue = "localhost", paramLabel = "HOST",
            description = "Broker host(s), comma-separated; clients take them round-robin (default: ${DEFAULT-VALUE}).")
    List<String> hosts = new ArrayList<>();

    @Option(names = {"-p", "--port"}, defaultValue = "1883", description = "Broker port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = {"-V", "--version"}, defaultValue = "5",
            description = "MQTT version: 3 (3.1), 4 (3.1.1) or 5 (default: ${DEFAULT-VALUE}).")
    int version;

    @Option(names = {"-c", "--count"}, defaultValue = "200", description = "Number of clients (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = {"-n", "--startnumber"}, defaultValue = "0",
            description = "Sequence number of the first client, used in client ids and %%i (default: ${DEFAULT-VALUE}).")
    long startNumber;

    @Option(names = {"-i", "--interval"}, defaultValue = "10",
            description = "Milliseconds between two connects (default: ${DEFAULT-VALUE}).")
    long connectIntervalMs;

    @Option(names = {"-R", "--connrate"}, defaultValue = "0",
            description = "Connects per second; overrides -i when above 0 (default: ${DEFAULT-VALUE}).")
    long connectRate;

    @Option(names = {"-k", "--keepalive"}, defaultValue = "300",
            description = "Keep alive in seconds; a PINGREQ is sent that often (default: ${DEFAULT-VALUE}).")
    int keepAlive;

    @Option(names = {"-C", "--clean"}, arity = "0..1", defaultValue = "true", fallbackValue = "true",
            description = "Clean session (v3) / clean start (v5): true or false (default: ${DEFAULT-VALUE}).")
    boolean clean;

    @Option(names = {"-x", "--session-expiry"}, defaultValue = "0",
            description = "MQTT 5 session expiry interval in seconds (default: ${DEFAULT-VALUE}).")
    long sessionExpiry;

    @Option(names = {"-u", "--username"}, description = "Username.")
    String username;

    @Option(names = {"-P", "--password"}, description = "Password.")
    String password;

    @Option(names = "--ifaddr", split = ",", paramLabel = "ADDR",
            description = "Source address(es) to bind, comma-separated, used round-robin. Each 127.0.0.x gives "
                    + "another ephemeral port range toward the same broker.")
    List<String> ifaddrs = new ArrayList<>();

    @Option(names = "--prefix", description = "Client id prefix; ids are PREFIX_<number> (default: bench_<mode>_<pid>).")
    String prefix;

    @Option(names = "--workers", defaultValue = "1",
            description = "Processes to spread the clients over, to pass the per-process open-files limit "
                    + "(default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--io-threads", defaultValue = "0",
            description = "Netty event-loop threads per process (default: 0 = number of cores).")
    int ioThreads;

    @Option(names = "--duration", defaultValue = "0",
            description = "Stop after this many seconds (default: 0 = until done or Ctrl-C).")
    long durationSecs;

    @Option(names = "--report", paramLabel = "FILE", description = "Write the final JSON report to FILE.")
    Path report;

    @Option(names = {"-S", "--ssl"}, description = "Connect with TLS.")
    boolean ssl;

    @Option(names = "--cacertfile", paramLabel = "PEM", description = "CA certificate(s) to verify the broker with.")
    Path caCertFile;

    @Option(names = "--certfile", paramLabel = "PEM", description = "Client certificate chain (with --keyfile).")
    Path certFile;

    @Option(names = "--keyfile", paramLabel = "PEM", description = "Client private key, PKCS#8 PEM (with --certfile).")
    Path keyFile;

    @Option(names = "--ssl-insecure", description = "Accept any broker certificate (self-signed test brokers).")
    boolean sslInsecure;

    /** Cross-option rules; throws {@link ParameterException} (exit code 2) naming the flag. */
    void validate(CommandSpec spec) {
        require(spec, !hosts.isEmpty() && hosts.stream().noneMatch(String::isBlank), "-h/--host must not be empty");
        require(spec, port >= 1 && port <= 65535, "-p/--port must be 1..65535, got " + port);
        require(spec, version >= 3 && version <= 5, "-V/--version must be 3, 4 or 5, got " + version);
        require(spec, count >= 1, "-c/--count must be at least 1, got " + count);
        require(spec, startNumber >= 0, "-n/--startnumber must not be negative");
        require(spec, connectIntervalMs >= 0, "-i/--interval must not be negative");
        require(spec, connectRate >= 0, "-R/--connrate must not be negative");
        require(spec, keepAlive >= 0 && keepAlive <= 65535, "-k/--keepalive must be 0..65535, got " + keepAlive);
        require(spec, sessionExpiry >= 0 && sessionExpiry <= 0xFFFFFFFFL,
                "-x/--session-expiry must be 0..4294967295");
        require(spec, sessionExpiry == 0 || version == 5, "-x/--session-expiry needs -V 5");
        require(spec, workers >= 1 && workers <= count, "--workers must be 1..count (" + count + "), got " + workers);
        require(spec, ioThreads >= 0, "--io-threads must not be negative");
        require(spec, durationSecs >= 0, "--duration must not be negative");
        require(spec, prefix == null || !prefix.isBlank(), "--prefix must not be blank");
        boolean tlsFiles = caCertFile != null || certFile != null || keyFile != null || sslInsecure;
        require(spec, ssl || !tlsFiles, "--cacertfile, --certfile, --keyfile and --ssl-insecure need --ssl");
        require(spec, (certFile == null) == (keyFile == null), "--certfile and --keyfile go together");
        require(spec, !(sslInsecure && caCertFile != null), "--ssl-insecure and --cacertfile exclude each other");
        for (Path p : new Path[] {caCertFile, certFile, keyFile}) {
            require(spec, p == null || Files.isReadable(p), "cannot read " + p);
        }
        addresses(spec);
    }

    List<InetAddress> addresses(CommandSpec spec) {
        List<InetAddress> out = new ArrayList<>();
        for (String a : ifaddrs) {
            try {
                out.add(InetAddress.getByName(a.trim()));
            } catch (UnknownHostException e) {
                throw new ParameterException(spec.commandLine(), "--ifaddr: unknown address " + a);
            }
        }
        return out;
    }

    /** The pause between two connects: from -R when given, else -i. */
    long connectIntervalNanos() {
        if (connectRate > 0) {
            return 1_000_000_000L / connectRate;
        }
        return connectIntervalMs * 1_000_000L;
    }

    /** The client TLS context, or null without --ssl. Unreadable PEM content is bad input. */
    SslContext sslContext(CommandSpec spec) {
        if (!ssl) {
            return null;
        }
        try {
            SslContextBuilder b = SslContextBuilder.forClient();
            if (sslInsecure) {
                b.trustManager(InsecureTrustManagerFactory.INSTANCE);
            } else if (caCertFile != null) {
                b.trustManager(caCertFile.toFile());
            }
            if (certFile != null) {
                b.keyManager(certFile.toFile(), keyFile.toFile());
            }
            return b.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "TLS options: " + Failures.describe(e));
        }
    }

    static void require(CommandSpec spec, boolean ok, String message) {
        if (!ok) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }
}
