package io.fleetmq.bench.compare;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;

/**
 * The certificates of one compare run, all EC P-256 (ECDSA with SHA-256), made fresh by the run and valid for a day:
 * a CA, the brokers' server certificate (127.0.0.1 / localhost) and one client certificate all bench clients present.
 * Written as PEM (FleetMQ, Mosquitto) and PKCS#12 key and trust stores (HiveMQ CE) into the run's work directory;
 * the stores' password is random per run. Nothing here is meant to outlive the run.
 */
final class TlsMaterial {
    private static final String SIGNATURE = "SHA256withECDSA";

    private final Path caPem;
    private final Path serverCertPem;
    private final Path serverKeyPem;
    private final Path clientCertPem;
    private final Path clientKeyPem;
    private final Path serverKeyStore;
    private final Path trustStore;
    private final String storePassword;

    /** @param dir absolute: the paths go into broker configs read from other working directories */
    private TlsMaterial(Path dir, String storePassword) {
        this.caPem = dir.resolve("ca.pem");
        this.serverCertPem = dir.resolve("server.pem");
        this.serverKeyPem = dir.resolve("server.key");
        this.clientCertPem = dir.resolve("client.pem");
        this.clientKeyPem = dir.resolve("client.key");
        this.serverKeyStore = dir.resolve("server.p12");
        this.trustStore = dir.resolve("ca.p12");
        this.storePassword = storePassword;
    }

    /** Makes the CA, server and client certificates and writes every file into {@code dir} (created if needed). */
    static TlsMaterial create(Path dir) throws IOException {
        dir = Files.createDirectories(dir.toAbsolutePath());
        byte[] pw = new byte[12];
        new SecureRandom().nextBytes(pw);
        TlsMaterial t = new TlsMaterial(dir, HexFormat.of().formatHex(pw));
        try {
            KeyPair caKeys = ecKeys();
            X500Name caName = new X500Name("CN=fleetmq bench compare CA");
            X509Certificate ca = sign(caName, caKeys, caName, caKeys, true, null, null);
            KeyPair serverKeys = ecKeys();
            X509Certificate server = sign(new X500Name("CN=127.0.0.1"), serverKeys, caName, caKeys, false,
                    KeyPurposeId.id_kp_serverAuth, new GeneralNames(new GeneralName[] {
                            new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                            new GeneralName(GeneralName.dNSName, "localhost")}));
            KeyPair clientKeys = ecKeys();
            X509Certificate client = sign(new X500Name("CN=bench-client"), clientKeys, caName, caKeys, false,
                    KeyPurposeId.id_kp_clientAuth, null);

            Files.writeString(t.caPem, pem("CERTIFICATE", ca.getEncoded()), StandardCharsets.US_ASCII);
            Files.writeString(t.serverCertPem, pem("CERTIFICATE", server.getEncoded()), StandardCharsets.US_ASCII);
            writePrivate(t.serverKeyPem, pem("PRIVATE KEY", serverKeys.getPrivate().getEncoded()));
            Files.writeString(t.clientCertPem, pem("CERTIFICATE", client.getEncoded()), StandardCharsets.US_ASCII);
            writePrivate(t.clientKeyPem, pem("PRIVATE KEY", clientKeys.getPrivate().getEncoded()));

            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("server", serverKeys.getPrivate(), t.storePassword.toCharArray(),
                    new Certificate[] {server, ca});
            store(ks, t.serverKeyStore, t.storePassword);
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            ts.setCertificateEntry("ca", ca);
            store(ts, t.trustStore, t.storePassword);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make the run's EC P-256 certificates: " + e, e);
        }
        return t;
    }

    Path caPem() {
        return caPem;
    }

    Path serverCertPem() {
        return serverCertPem;
    }

    Path serverKeyPem() {
        return serverKeyPem;
    }

    Path clientCertPem() {
        return clientCertPem;
    }

    Path clientKeyPem() {
        return clientKeyPem;
    }

    /** PKCS#12: the server key with its chain (HiveMQ CE's keystore). */
    Path serverKeyStore() {
        return serverKeyStore;
    }

    /** PKCS#12: the CA certificate (HiveMQ CE's truststore). */
    Path trustStore() {
        return trustStore;
    }

    String storePassword() {
        return storePassword;
    }

    /** Client context: trusts the run's CA, presents the client certificate, and never resumes a session. */
    SslContext clientContext() throws SSLException {
        return new FullHandshakeSslContext(SslContextBuilder.forClient()
                .trustManager(caPem.toFile())
                .keyManager(clientCertPem.toFile(), clientKeyPem.toFile())
                .build());
    }

    /** Client context that trusts the CA but has no certificate to present (for tests of the required mTLS). */
    SslContext clientContextWithoutCertificate() throws SSLException {
        return new FullHandshakeSslContext(SslContextBuilder.forClient().trustManager(caPem.toFile()).build());
    }

    private static KeyPair ecKeys() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static X509Certificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys,
                                        boolean ca, KeyPurposeId purpose, GeneralNames sans)
            throws GeneralSecurityException, OperatorCreationException, CertIOException {
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer,
                new BigInteger(64, new SecureRandom()).add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject,
                subjectKeys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        b.addExtension(Extension.keyUsage, true, ca ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)
                : new KeyUsage(KeyUsage.digitalSignature));
        if (purpose != null) {
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        }
        if (sans != null) {
            b.addExtension(Extension.subjectAlternativeName, false, sans);
        }
        return new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder(SIGNATURE).build(issuerKeys.getPrivate())));
    }

    private static void store(KeyStore ks, Path file, String password) throws IOException, GeneralSecurityException {
        createPrivate(file);
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, password.toCharArray());
        }
    }

    /** Private keys and key stores are readable by the owner only, whatever the umask and the directory allow. */
    private static void writePrivate(Path file, String text) throws IOException {
        createPrivate(file);
        Files.writeString(file, text, StandardCharsets.US_ASCII);
    }

    private static void createPrivate(Path file) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
