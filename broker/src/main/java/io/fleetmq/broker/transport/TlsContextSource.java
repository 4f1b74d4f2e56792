package io.fleetmq.broker.transport;

import io.fleetmq.broker.config.TlsConfig;
import io.fleetmq.broker.config.TlsListenerConfig;
import io.fleetmq.broker.files.FileFormatException;
import io.fleetmq.broker.files.WatchedFile;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.SSLException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A TLS listener's server context, built from the PEM files of {@code tls.*} with the JDK provider, and rebuilt when
 * any file changes: new handshakes use the new certificate, key or CA bundle, established connections keep the
 * session they have. A broken replacement (half-copied key, wrong pair) is logged and the previous context stays.
 */
final class TlsContextSource implements Supplier<SslContext> {
    private final WatchedFile<SslContext> context;

    private TlsContextSource(WatchedFile<SslContext> context) {
        this.context = context;
    }

    /**
     * @param listenerKey {@code listeners.tls} or {@code listeners.wss}, for error messages
     * @throws FileFormatException naming the key and file when the material cannot be used
     */
    static TlsContextSource create(String listenerKey, TlsListenerConfig listener, TlsConfig tls)
            throws FileFormatException {
        if (tls.certFile().isEmpty() || tls.keyFile().isEmpty()) {
            throw new FileFormatException(listenerKey + ".enabled is true but tls.certFile and tls.keyFile are not "
                    + "both set");
        }
        if (listener.clientAuth() != TlsListenerConfig.ClientAuth.NONE && tls.caFile().isEmpty()) {
            throw new FileFormatException(listenerKey + ".clientAuth is "
                    + listener.clientAuth().name().toLowerCase() + " but tls.caFile (the CAs to verify client "
                    + "certificates against) is not set");
        }
        List<Path> files = new ArrayList<>(List.of(Path.of(tls.certFile()), Path.of(tls.keyFile())));
        if (!tls.caFile().isEmpty()) {
            files.add(Path.of(tls.caFile()));
        }
        return new TlsContextSource(WatchedFile.load("TLS material of " + listenerKey, files,
                () -> build(listener, tls)));
    }

    private static SslContext build(TlsListenerConfig listener, TlsConfig tls) throws FileFormatException {
        Path cert = readable("tls.certFile", tls.certFile());
        Path key = readable("tls.keyFile", tls.keyFile());
        SslContextBuilder b;
        try {
            b = SslContextBuilder.forServer(cert.toFile(), key.toFile());
        } catch (IllegalArgumentException e) {
            throw new FileFormatException("tls.certFile " + cert + " / tls.keyFile " + key
                    + ": not a PEM certificate chain and matching unencrypted PKCS#8 key (" + rootMessage(e) + ")");
        }
        b.sslProvider(SslProvider.JDK).protocols(tls.protocols());
        if (!tls.ciphers().isEmpty()) {
            b.ciphers(tls.ciphers());
        }
        if (!tls.caFile().isEmpty()) {
            Path ca = readable("tls.caFile", tls.caFile());
            try {
                b.trustManager(ca.toFile());
            } catch (IllegalArgumentException e) {
                throw new FileFormatException("tls.caFile " + ca + ": not a PEM certificate bundle ("
                        + rootMessage(e) + ")");
            }
        }
        b.clientAuth(switch (listener.clientAuth()) {
            case NONE -> ClientAuth.NONE;
            case OPTIONAL -> ClientAuth.OPTIONAL;
            case REQUIRED -> ClientAuth.REQUIRE;
        });
        try {
            return b.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new FileFormatException("tls.certFile " + cert + " / tls.keyFile " + key + ": cannot build a TLS "
                    + "context (" + rootMessage(e) + ")");
        }
    }

    private static Path readable(String key, String file) throws FileFormatException {
        Path p = Path.of(file);
        if (!Files.isRegularFile(p)) {
            throw new FileFormatException(key + ": cannot read " + file + ": no such file");
        }
        if (!Files.isReadable(p)) {
            throw new FileFormatException(key + ": cannot read " + file + ": permission denied");
        }
        return p;
    }

    private static String rootMessage(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return String.valueOf(r.getMessage() == null ? r.getClass().getSimpleName() : r.getMessage())
                .replaceAll("\\s*\\R\\s*", " ");
    }

    @Override
    public SslContext get() {
        return context.current();
    }

    /** Rebuilds the context if a file changed; see {@link WatchedFile#checkForChange()}. */
    void checkForChange() {
        context.checkForChange();
    }
}
