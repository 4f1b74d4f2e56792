package io.fleetmq.broker.testing;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Certificates made inside the tests with BouncyCastle (EC P-256: fast to generate): CAs, a server certificate for
 * 127.0.0.1/localhost, client certificates (also expired ones), written as PEM files the broker reads, and the JDK
 * SSLContexts real clients use.
 */
public final class TestPki {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /** A key pair and its certificate, signed by {@code issuer} (or self-signed for a CA). */
    public record Issued(KeyPair keys, X509Certificate cert, Issued issuer) {

        /** Writes the certificate chain (leaf first, without the root) to {@code certFile} and the PKCS#8 key. */
        public void writePem(Path certFile, Path keyFile) throws IOException {
            StringBuilder chain = new StringBuilder(pem("CERTIFICATE", encoded(cert)));
            for (Issued i = issuer; i != null && i.issuer() != null; i = i.issuer()) {
                chain.append(pem("CERTIFICATE", encoded(i.cert())));
            }
            replace(certFile, chain.toString());
            replace(keyFile, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
        }

        /** A client-side key store holding this key and chain. */
        public KeyManagerFactory keyManagers() throws GeneralSecurityException, IOException {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("key", keys.getPrivate(), new char[0], new Certificate[] {cert});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, new char[0]);
            return kmf;
        }
    }

    private TestPki() {
    }

    public static Issued ca(String cn) throws GeneralSecurityException {
        KeyPair kp = ecKeys();
        return new Issued(kp, sign(cn, kp, null, true, Instant.now().minus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(30)), List.of()), null);
    }

    /** A server certificate valid for 127.0.0.1 and localhost. */
    public static Issued server(Issued ca, String cn) throws GeneralSecurityException {
        KeyPair kp = ecKeys();
        return new Issued(kp, sign(cn, kp, ca, false, Instant.now().minus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(30)), List.of(new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                        new GeneralName(GeneralName.dNSName, "localhost"))), ca);
    }

    /** A client certificate with subject CN {@code cn} and the same name as DNS SAN. */
    public static Issued client(Issued ca, String cn) throws GeneralSecurityException {
        return client(ca, cn, Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)));
    }

    public static Issued expiredClient(Issued ca, String cn) throws GeneralSecurityException {
        return client(ca, cn, Instant.now().minus(Duration.ofDays(30)), Instant.now().minus(Duration.ofDays(1)));
    }

    private static Issued client(Issued ca, String cn, Instant from, Instant to) throws GeneralSecurityException {
        KeyPair kp = ecKeys();
        return new Issued(kp, sign(cn, kp, ca, false, from, to, List.of(new GeneralName(GeneralName.dNSName, cn))),
                ca);
    }

    /** Writes the CA certificates to one PEM bundle. */
    public static void writeBundle(Path file, Issued... cas) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Issued ca : cas) {
            sb.append(pem("CERTIFICATE", encoded(ca.cert())));
        }
        replace(file, sb.toString());
    }

    /** A client TLS context trusting {@code ca}, presenting {@code clientCert} when not null. */
    public static SSLContext clientContext(Issued ca, Issued clientCert) throws GeneralSecurityException, IOException {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(clientCert == null ? null : clientCert.keyManagers().getKeyManagers(),
                trustManagers(ca).getTrustManagers(), null);
        return ctx;
    }

    public static TrustManagerFactory trustManagers(Issued ca) throws GeneralSecurityException, IOException {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", ca.cert());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        return tmf;
    }

    private static KeyPair ecKeys() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static X509Certificate sign(String cn, KeyPair subject, Issued issuer, boolean isCa, Instant from,
                                        Instant to, List<GeneralName> sans) throws GeneralSecurityException {
        try {
            X500Name name = new X500Name("CN=" + cn + ",O=FleetMQ tests");
            X500Name issuerName = issuer == null ? name
                    : X500Name.getInstance(issuer.cert().getSubjectX500Principal().getEncoded());
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName,
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(from), Date.from(to), name,
                    subject.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
            b.addExtension(Extension.keyUsage, true, isCa
                    ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)
                    : new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            if (!sans.isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(sans.toArray(new GeneralName[0])));
            }
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA")
                    .build(issuer == null ? subject.getPrivate() : issuer.keys().getPrivate());
            return new JcaX509CertificateConverter().getCertificate(b.build(signer));
        } catch (org.bouncycastle.operator.OperatorCreationException | IOException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static byte[] encoded(X509Certificate c) {
        try {
            return c.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** Writes through a temporary file and an atomic rename, as a secret rotation would. */
    public static void replace(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
