package io.fleetmq.broker.config;

import java.time.Duration;
import java.util.List;

/**
 * The node's TLS material ({@code tls.*}), shared by the TLS and WSS listeners. Files are PEM. They are checked for
 * changes every {@code reloadInterval}; a changed set is loaded for new connections only, and a set that fails to
 * load is logged and ignored (the previous one stays in force).
 *
 * @param certFile  certificate chain, leaf first; empty when no TLS listener is used
 * @param keyFile   private key (PKCS#8, or PKCS#1 / SEC1 for RSA / EC keys)
 * @param caFile    CA bundle that client certificates are verified against; empty means clients are not verified
 * @param protocols TLS versions offered
 * @param ciphers   cipher suites offered; empty means the JDK's defaults for the protocols
 */
public record TlsConfig(String certFile, String keyFile, String caFile, List<String> protocols, List<String> ciphers,
                        Duration reloadInterval) {

    public TlsConfig {
        protocols = List.copyOf(protocols);
        ciphers = List.copyOf(ciphers);
    }

    public static TlsConfig defaults() {
        return new TlsConfig("", "", "", List.of("TLSv1.3", "TLSv1.2"), List.of(), Duration.ofSeconds(10));
    }

    public TlsConfig withFiles(String cert, String key, String ca) {
        return new TlsConfig(cert, key, ca, protocols, ciphers, reloadInterval);
    }

    public TlsConfig withReloadInterval(Duration d) {
        return new TlsConfig(certFile, keyFile, caFile, protocols, ciphers, d);
    }
}
