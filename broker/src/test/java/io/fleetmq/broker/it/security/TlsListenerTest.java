package io.fleetmq.broker.it.security;

import io.fleetmq.broker.config.AuthConfig;
import io.fleetmq.broker.config.TlsConfig;
import io.fleetmq.broker.config.TlsListenerConfig;
import io.fleetmq.broker.config.TlsListenerConfig.ClientAuth;
import io.fleetmq.broker.it.v3.LogCapture;
import io.fleetmq.broker.testing.TestBroker;
import io.fleetmq.broker.testing.TestPki;
import io.fleetmq.broker.testing.TestPki.Issued;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The TLS listener with real handshakes: certificates made by {@link TestPki}, clients are Eclipse Paho over the
 * JDK's TLS. Covers TLS 1.2 and 1.3, mTLS (valid, expired, unknown CA, no certificate), the certificate as identity,
 * and rotation of certificate and CA bundle without a restart or a dropped connection.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsListenerTest {
    @TempDir
    Path dir;

    private Issued fleetCa;
    private Issued labCa;
    private Path cert;
    private Path key;
    private Path bundle;

    @BeforeEach
    void pki() throws Exception {
        fleetCa = TestPki.ca("Fleet CA");
        labCa = TestPki.ca("Lab CA");
        cert = dir.resolve("server.pem");
        key = dir.resolve("server.key");
        bundle = dir.resolve("clients-ca.pem");
        TestPki.server(fleetCa, "broker-1").writePem(cert, key);
        TestPki.writeBundle(bundle, fleetCa, labCa);
    }

    private TestBroker start(ClientAuth clientAuth, UnaryOperator<AuthConfig> auth) {
        return TestBroker.start(c -> c
                .withTls(TlsConfig.defaults().withFiles(cert.toString(), key.toString(), bundle.toString()))
                .withListeners(c.listeners().withTls(TlsListenerConfig.tlsDefaults()
                        .enabledOn("127.0.0.1", 0, clientAuth)))
                .withAuth(auth.apply(c.auth())));
    }

    private static String uri(TestBroker b) {
        return "ssl://127.0.0.1:" + b.broker().listenerAddress("tls").getPort();
    }

    private static SSLContext tls(String protocol, Issued trust, Issued clientCert) throws Exception {
        SSLContext ctx = SSLContext.getInstance(protocol);
        ctx.init(clientCert == null ? null : clientCert.keyManagers().getKeyManagers(),
                TestPki.trustManagers(trust).getTrustManagers(), null);
        return ctx;
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void pahoClientVerifiesTheServerAndExchangesMessages(String protocol) throws Exception {
        try (TestBroker b = start(ClientAuth.NONE, a -> a)) {
            MqttClient pub = TlsClients.connect(uri(b), "tls-pub", tls(protocol, fleetCa, null), null, null);
            MqttClient sub = TlsClients.connect(uri(b), "tls-sub", tls(protocol, fleetCa, null), null, null);
            try {
                TlsClients.assertRoundTrip(pub, sub, "fleet/tls/" + protocol);
            } finally {
                TlsClients.closeQuietly(pub);
                TlsClients.closeQuietly(sub);
            }
        }
    }

    @Test
    void requiredClientCertificateAcceptsAValidOneAndRefusesNoneExpiredOrUnknownCa() throws Exception {
        Issued rogueCa = TestPki.ca("Rogue CA");
        try (TestBroker b = start(ClientAuth.REQUIRED, a -> a)) {
            MqttClient ok = TlsClients.connect(uri(b), "dev-1", tls("TLS", fleetCa, TestPki.client(fleetCa, "dev-1")),
                    null, null);
            assertThat(ok.isConnected()).isTrue();
            TlsClients.closeQuietly(ok);

            assertThatThrownBy(() -> TlsClients.connect(uri(b), "no-cert", tls("TLS", fleetCa, null), null, null))
                    .as("no client certificate").isInstanceOf(MqttException.class);
            assertThatThrownBy(() -> TlsClients.connect(uri(b), "expired",
                    tls("TLS", fleetCa, TestPki.expiredClient(fleetCa, "expired")), null, null))
                    .as("expired client certificate").isInstanceOf(MqttException.class);
            assertThatThrownBy(() -> TlsClients.connect(uri(b), "rogue",
                    tls("TLS", fleetCa, TestPki.client(rogueCa, "rogue")), null, null))
                    .as("certificate from a CA outside the bundle").isInstanceOf(MqttException.class);
        }
    }

    @Test
    void certificateCommonNameIsTheIdentityAndMustMatchTheClientId() throws Exception {
        try (TestBroker b = start(ClientAuth.REQUIRED, a -> new AuthConfig(false)
                .withCertificateIdentity(AuthConfig.CertificateIdentity.CN, true))) {
            Issued dev1 = TestPki.client(fleetCa, "dev-1");
            MqttClient ok = TlsClients.connect(uri(b), "dev-1", tls("TLS", fleetCa, dev1), null, null);
            assertThat(ok.isConnected()).isTrue();
            TlsClients.closeQuietly(ok);

            // dev-1's certificate presented under another client id: v3.1.1 return code 5, not authorized.
            assertThatThrownBy(() -> TlsClients.connect(uri(b), "dev-2", tls("TLS", fleetCa, dev1), null, null))
                    .isInstanceOfSatisfying(MqttException.class, e -> assertThat(e.getReasonCode())
                            .isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED));
        }
    }

    @Test
    void caRemovedFromTheBundleRevokesNewConnectionsButKeepsOpenOnes() throws Exception {
        Issued labDevice = TestPki.client(labCa, "lab-1");
        try (TestBroker b = start(ClientAuth.REQUIRED, a -> a)) {
            MqttClient open = TlsClients.connect(uri(b), "lab-1", tls("TLS", fleetCa, labDevice), null, null);
            try {
                TestPki.writeBundle(bundle, fleetCa); // Lab CA revoked by removal
                b.broker().checkFilesNow();

                assertThatThrownBy(() -> TlsClients.connect(uri(b), "lab-1b", tls("TLS", fleetCa, labDevice), null,
                        null)).isInstanceOf(MqttException.class);
                TlsClients.assertRoundTrip(open, open, "lab/still-open");
            } finally {
                TlsClients.closeQuietly(open);
            }
        }
    }

    @Test
    void serverCertificateRotatesOnItsOwnWithoutDroppingConnections() throws Exception {
        try (TestBroker b = TestBroker.start(c -> c
                .withTls(TlsConfig.defaults().withFiles(cert.toString(), key.toString(), "")
                        .withReloadInterval(Duration.ofMillis(200)))
                .withListeners(c.listeners().withTls(TlsListenerConfig.tlsDefaults()
                        .enabledOn("127.0.0.1", 0, ClientAuth.NONE))))) {
            MqttClient open = TlsClients.connect(uri(b), "rotating", tls("TLS", fleetCa, null), null, null);
            try {
                assertThat(peerCommonName(b)).isEqualTo("broker-1");

                TestPki.server(fleetCa, "broker-2").writePem(cert, key);

                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!peerCommonName(b).equals("broker-2") && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(peerCommonName(b)).as("a new connection sees the new certificate").isEqualTo("broker-2");
                TlsClients.assertRoundTrip(open, open, "rotate/still-open");
            } finally {
                TlsClients.closeQuietly(open);
            }
        }
    }

    @Test
    void aBrokenReplacementIsLoggedAndThePreviousCertificateStays() throws Exception {
        try (TestBroker b = start(ClientAuth.NONE, a -> a); LogCapture log = LogCapture.all()) {
            TestPki.replace(cert, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
            b.broker().checkFilesNow();

            assertThat(log.warningsContaining("was NOT reloaded")).isEqualTo(1);
            assertThat(peerCommonName(b)).isEqualTo("broker-1");
        }
    }

    @Test
    void mosquittoClientsConnectWithCafileCertAndKey() throws Exception {
        Issued dev = TestPki.client(fleetCa, "mosq-1");
        Path devCert = dir.resolve("mosq.pem");
        Path devKey = dir.resolve("mosq.key");
        dev.writePem(devCert, devKey);
        Path serverCa = dir.resolve("server-ca.pem");
        TestPki.writeBundle(serverCa, fleetCa);
        try (TestBroker b = start(ClientAuth.REQUIRED, a -> a)) {
            String port = String.valueOf(b.broker().listenerAddress("tls").getPort());
            List<String> tlsArgs = List.of("-h", "127.0.0.1", "-p", port, "--cafile", serverCa.toString(),
                    "--cert", devCert.toString(), "--key", devKey.toString());
            Process sub = new ProcessBuilder(concat(List.of("mosquitto_sub", "-C", "1", "-W", "10", "-t",
                    "mosq/tls", "-i", "mosq-sub"), tlsArgs)).redirectErrorStream(true).start();
            awaitSubscribed(b, "mosq-sub");
            Process pub = new ProcessBuilder(concat(List.of("mosquitto_pub", "-t", "mosq/tls", "-m", "over-tls",
                    "-q", "1", "-i", "mosq-pub"), tlsArgs)).redirectErrorStream(true).start();
            assertThat(pub.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(pub.exitValue()).as(new String(pub.getInputStream().readAllBytes())).isZero();
            assertThat(sub.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(sub.getInputStream().readAllBytes()).trim()).isEqualTo("over-tls");

            // Without a client certificate the handshake fails and mosquitto_pub says so.
            Process noCert = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", port, "--cafile",
                    serverCa.toString(), "-t", "mosq/tls", "-m", "x").redirectErrorStream(true).start();
            assertThat(noCert.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(noCert.exitValue()).isNotZero();
        }
    }

    private static void awaitSubscribed(TestBroker b, String clientId) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (b.broker().router().registry().subscriptionsOf(clientId).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(b.broker().router().registry().subscriptionsOf(clientId)).as("mosquitto_sub subscribed")
                .isNotEmpty();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** Opens a fresh TLS connection and returns the CN of the certificate the broker presented. */
    private String peerCommonName(TestBroker b) throws Exception {
        SSLContext ctx = tls("TLS", fleetCa, null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1",
                b.broker().listenerAddress("tls").getPort())) {
            s.startHandshake();
            X509Certificate peer = (X509Certificate) s.getSession().getPeerCertificates()[0];
            String dn = peer.getSubjectX500Principal().getName();
            return dn.replaceAll("^.*CN=([^,]+).*$", "$1");
        }
    }


    @Test
    void proxyHeaderBeforeTheTlsHandshakeGivesTheRealAddress() throws Exception {
        try (TestBroker b = TestBroker.start(c -> c
                .withTls(TlsConfig.defaults().withFiles(cert.toString(), key.toString(), bundle.toString()))
                .withListeners(c.listeners().withTls(TlsListenerConfig.tlsDefaults()
                        .enabledOn("127.0.0.1", 0, ClientAuth.REQUIRED).withProxyProtocol(true))));
             java.net.Socket raw = new java.net.Socket("127.0.0.1", b.broker().listenerAddress("tls").getPort())) {
            // As an NLB does it: the PROXY v2 header in clear, then the device's own TLS session.
            raw.getOutputStream().write(ProxyProtocolTest.v2("198.51.100.23", 61000));
            SSLContext ctx = tls("TLS", fleetCa, TestPki.client(fleetCa, "dev-behind-nlb"));
            try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(raw, "127.0.0.1", raw.getPort(),
                    false)) {
                s.setSoTimeout(5_000);
                s.startHandshake();
                byte[] id = "dev-behind-nlb".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                java.io.ByteArrayOutputStream connect = new java.io.ByteArrayOutputStream();
                connect.write(new byte[] {0x10, (byte) (12 + id.length), 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 30,
                        0, (byte) id.length}); // CONNECT, MQTT 3.1.1, clean session, keep alive 30 s
                connect.write(id);
                s.getOutputStream().write(connect.toByteArray());
                assertThat(s.getInputStream().readNBytes(4)).containsExactly(0x20, 0x02, 0x00, 0x00);
                assertThat(b.broker().sessions().store().get("dev-behind-nlb").connection().remoteAddress())
                        .isEqualTo("198.51.100.23:61000");
            }
        }
    }

    @Test
    void configuredCiphersAreTheOnlyOnesOffered() throws Exception {
        String offered = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256";
        try (TestBroker b = TestBroker.start(c -> c
                .withTls(new TlsConfig(cert.toString(), key.toString(), "", List.of("TLSv1.2"), List.of(offered),
                        Duration.ofSeconds(10)))
                .withListeners(c.listeners().withTls(TlsListenerConfig.tlsDefaults()
                        .enabledOn("127.0.0.1", 0, ClientAuth.NONE))))) {
            int port = b.broker().listenerAddress("tls").getPort();
            SSLContext ctx = tls("TLSv1.2", fleetCa, null);
            try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
                s.setEnabledCipherSuites(new String[] {offered, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"});
                s.startHandshake();
                assertThat(s.getSession().getCipherSuite()).isEqualTo(offered);
            }
            try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
                s.setEnabledCipherSuites(new String[] {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"});
                assertThatThrownBy(s::startHandshake).as("a suite the broker does not offer")
                        .isInstanceOf(java.io.IOException.class);
            }
        }
    }

    @Test
    void subjectAlternativeNameCanBeTheIdentity() throws Exception {
        try (TestBroker b = start(ClientAuth.REQUIRED, a -> new AuthConfig(false)
                .withCertificateIdentity(AuthConfig.CertificateIdentity.SAN, true))) {
            Issued dev = TestPki.client(fleetCa, "gw-7.devices.example"); // also its DNS SAN
            MqttClient ok = TlsClients.connect(uri(b), "gw-7.devices.example", tls("TLS", fleetCa, dev), null, null);
            assertThat(ok.isConnected()).isTrue();
            TlsClients.closeQuietly(ok);
            assertThatThrownBy(() -> TlsClients.connect(uri(b), "gw-8", tls("TLS", fleetCa, dev), null, null))
                    .isInstanceOf(MqttException.class);
        }
    }
}
