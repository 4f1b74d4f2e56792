package io.fleetmq.bench.compare;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The run's certificates: EC P-256, chained to the run's CA, keys private to the user running the bench. */
class TlsMaterialTest {
    @TempDir
    Path dir;

    private static X509Certificate cert(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    @Test
    void everyCertificateIsEcP256AndSignedByTheRunsCa() throws Exception {
        TlsMaterial t = TlsMaterial.create(dir);
        X509Certificate ca = cert(t.caPem());
        X509Certificate server = cert(t.serverCertPem());
        X509Certificate client = cert(t.clientCertPem());
        for (X509Certificate c : List.of(ca, server, client)) {
            assertThat(c.getPublicKey()).isInstanceOf(ECPublicKey.class);
            assertThat(((ECPublicKey) c.getPublicKey()).getParams().getCurve().getField().getFieldSize())
                    .isEqualTo(256);
            assertThat(c.getSigAlgName()).isEqualTo("SHA256withECDSA");
            c.verify(ca.getPublicKey()); // throws unless the CA signed it
            c.checkValidity();
        }
        assertThat(ca.getBasicConstraints()).as("CA").isGreaterThanOrEqualTo(0);
        assertThat(server.getBasicConstraints()).as("not a CA").isEqualTo(-1);
        assertThat(server.getSubjectAlternativeNames().stream().map(l -> String.valueOf(l.get(1))).toList())
                .contains("127.0.0.1", "localhost");
        assertThat(client.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2"); // clientAuth
    }

    @Test
    void hiveMqStoresOpenWithTheRunsPassword() throws Exception {
        TlsMaterial t = TlsMaterial.create(dir);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(t.serverKeyStore())) {
            ks.load(in, t.storePassword().toCharArray());
        }
        assertThat(ks.getKey("server", t.storePassword().toCharArray())).isNotNull();
        assertThat(ks.getCertificateChain("server")).hasSize(2);
        KeyStore ts = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(t.trustStore())) {
            ts.load(in, t.storePassword().toCharArray());
        }
        assertThat(ts.getCertificate("ca")).isEqualTo(cert(t.caPem()));
    }

    @Test
    void privateKeysAndStoresAreReadableByTheOwnerOnly() throws Exception {
        TlsMaterial t = TlsMaterial.create(dir);
        for (Path p : List.of(t.serverKeyPem(), t.clientKeyPem(), t.serverKeyStore(), t.trustStore())) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).as(p.toString())
                    .isEqualTo("rw-------");
        }
    }
}
