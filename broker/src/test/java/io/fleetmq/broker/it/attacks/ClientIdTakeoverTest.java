package io.fleetmq.broker.it.attacks;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.fleetmq.broker.config.AuthConfig;
import io.fleetmq.broker.config.AuthConfig.ClientIdBinding;
import io.fleetmq.broker.config.ConfigException;
import io.fleetmq.broker.config.ConfigLoader;
import io.fleetmq.broker.config.TlsConfig;
import io.fleetmq.broker.config.TlsListenerConfig;
import io.fleetmq.broker.it.security.Passwords;
import io.fleetmq.broker.testing.TestBroker;
import io.fleetmq.broker.testing.TestPki;
import io.fleetmq.broker.testing.TestPki.Issued;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Attack: another principal presents a client id that is not its own, to take over the session behind it (its
 * subscriptions, queued messages and live traffic) or to disconnect its owner. A session belongs to the principal
 * that created it: the attacker is refused (v5 0x87 / v3.1.1 return code 5) and the owner's connection and session
 * stay as they were. With {@code auth.clientIdBinding} username or certificate the client id cannot even be chosen.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientIdTakeoverTest {
    private static final int NOT_AUTHORIZED = 0x87;

    @TempDir
    Path dir;
    private Path acl;
    private Path passwd;

    @BeforeEach
    void files() throws Exception {
        acl = dir.resolve("acl");
        TestPki.replace(acl, """
                allow all       client *    devices/%c/#
                allow subscribe user   ops  devices/#
                allow publish   user   feed devices/#
                """);
        passwd = Passwords.write(dir.resolve("passwd"), "ops", "pw-ops", "mallory", "pw-mallory", "feed", "pw-feed",
                "d1", "pw-d1");
    }

    private TestBroker start(ClientIdBinding binding) {
        return TestBroker.start(c -> c.withAuth(new AuthConfig(false).withPasswordFile(passwd.toString())
                .withAclFile(acl.toString(), List.of("ops")).withClientIdBinding(binding)));
    }

    @Test
    void anotherUserPresentingTheConsolesClientIdIsRefusedAndTheConsoleKeepsReceiving() throws Exception {
        try (TestBroker b = start(ClientIdBinding.PRINCIPAL);
             PahoDevice console = new PahoDevice(b, "ops-console", "ops", "pw-ops");
             PahoDevice attacker = new PahoDevice(b, "ops-console", "mallory", "pw-mallory");
             PahoDevice feed = new PahoDevice(b, "feeder", "feed", "pw-feed")) {
            console.connect(false, 300);
            assertThat(console.subscribe("devices/#", 1)).isEqualTo(1);
            feed.connect(true, 0);

            assertThat(attacker.connackCode(false, 300)).as("clean start 0 under the console's id")
                    .isEqualTo(NOT_AUTHORIZED);
            assertThat(attacker.connackCode(true, 0)).as("clean start 1 would discard the console's session")
                    .isEqualTo(NOT_AUTHORIZED);

            feed.publish("devices/d7/temp", "21.5", 1, false);
            assertThat(console.expectMessage().payload()).as("the console still receives").isEqualTo("21.5");
            assertThat(console.isConnected()).isTrue();
            assertThat(console.disconnects).as("the console was never disconnected").isEmpty();
            assertThat(attacker.messages).isEmpty();
            assertThat(b.broker().stats().clientIdTakeoversRefused.sum()).isEqualTo(2);
        }
    }

    @Test
    void theConsolesQueuedMessagesAreNotServedToAnotherUserWithItsClientId() throws Exception {
        try (TestBroker b = start(ClientIdBinding.PRINCIPAL);
             PahoDevice console = new PahoDevice(b, "ops-console", "ops", "pw-ops");
             PahoDevice feed = new PahoDevice(b, "feeder", "feed", "pw-feed")) {
            console.connect(false, 300);
            console.subscribe("devices/#", 1);
            console.disconnect();
            feed.connect(true, 0);
            feed.publish("devices/d7/alarm", "door open", 1, false); // queued for the offline console

            // MQTT 3.1.1 attacker (Paho v3): return code 5, Not authorized.
            MqttClient v3 = new MqttClient("tcp://127.0.0.1:" + b.port(), "ops-console", new MemoryPersistence());
            MqttConnectOptions o = new MqttConnectOptions();
            o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            o.setCleanSession(false);
            o.setUserName("mallory");
            o.setPassword("pw-mallory".toCharArray());
            assertThatThrownBy(() -> v3.connect(o)).isInstanceOfSatisfying(
                    org.eclipse.paho.client.mqttv3.MqttException.class,
                    e -> assertThat(e.getReasonCode()).isEqualTo(5));
            v3.close(true);

            try (PahoDevice back = new PahoDevice(b, "ops-console", "ops", "pw-ops")) {
                back.connect(false, 300);
                assertThat(back.sessionPresent()).as("the console's session survived the attempt").isTrue();
                assertThat(back.expectMessage().payload()).isEqualTo("door open");
            }
        }
    }

    @Test
    void aJwtForTruck9UsingClientIdTruck7CannotReadOrWriteTruck7sTopics() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        Path jwks = dir.resolve("jwks.json");
        TestPki.replace(jwks, new JWKSet(key.toPublicJWK()).toString());
        try (TestBroker b = TestBroker.start(c -> c.withAuth(new AuthConfig(false)
                .withJwt(jwks.toString(), List.of("fleetmq-devices"))))) {
            Mqtt5BlockingClient truck7 = jwtClient(b, "truck-7", token(key, "truck-7"));
            truck7.connectWith().cleanStart(false).sessionExpiryInterval(300).send();
            try (Mqtt5BlockingClient.Mqtt5Publishes in = truck7.publishes(MqttGlobalPublishFilter.ALL)) {
                truck7.subscribeWith().topicFilter("devices/truck-7/#").qos(MqttQos.AT_LEAST_ONCE).send();

                // While truck-7 is connected: its client id is refused to truck-9.
                Mqtt5BlockingClient takeover = jwtClient(b, "truck-7", token(key, "truck-9"));
                assertThatThrownBy(takeover::connect).isInstanceOfSatisfying(Mqtt5ConnAckException.class,
                        e -> assertThat(e.getMqttMessage().getReasonCode())
                                .isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED));

                // A client id no session holds yet: truck-9 gets in, but %c is not bound to its identity, so
                // devices/%c/# grants it nothing under "truck-8".
                Mqtt5BlockingClient truck9 = jwtClient(b, "truck-8", token(key, "truck-9"));
                truck9.connect();
                assertThatThrownBy(() -> truck9.subscribeWith().topicFilter("devices/truck-8/#").send())
                        .isInstanceOfSatisfying(Mqtt5SubAckException.class, e -> assertThat(
                                e.getMqttMessage().getReasonCodes()).containsExactly(
                                Mqtt5SubAckReasonCode.NOT_AUTHORIZED));
                assertThatThrownBy(() -> truck9.publishWith().topic("devices/truck-7/cmd")
                        .payload("unlock".getBytes(StandardCharsets.UTF_8)).qos(MqttQos.AT_LEAST_ONCE).send())
                        .isInstanceOfSatisfying(Mqtt5PubAckException.class, e -> assertThat(
                                e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED));
                assertThatThrownBy(() -> truck9.publishWith().topic("devices/truck-8/cmd")
                        .payload("unlock".getBytes(StandardCharsets.UTF_8)).qos(MqttQos.AT_LEAST_ONCE).send())
                        .isInstanceOf(Mqtt5PubAckException.class);
                truck9.disconnect();

                // truck-7 itself, its client id equal to its subject, still reaches its own topics.
                truck7.publishWith().topic("devices/truck-7/gps").payload("52.5,13.4".getBytes(StandardCharsets.UTF_8))
                        .qos(MqttQos.AT_LEAST_ONCE).send();
                Optional<Mqtt5Publish> own = in.receive(5, TimeUnit.SECONDS);
                assertThat(own).isPresent();
                assertThat(own.get().getTopic().toString()).isEqualTo("devices/truck-7/gps");
            } finally {
                truck7.disconnect();
            }
        }
    }

    @Test
    void usernameBindingReplacesTheClientIdSoTheConsoleIsNotEvenNamed() throws Exception {
        try (TestBroker b = start(ClientIdBinding.USERNAME);
             PahoDevice console = new PahoDevice(b, "whatever-the-console-sends", "ops", "pw-ops");
             PahoDevice attacker = new PahoDevice(b, "ops", "mallory", "pw-mallory");
             PahoDevice d1 = new PahoDevice(b, "d2", "d1", "pw-d1");
             PahoDevice feed = new PahoDevice(b, "feeder", "feed", "pw-feed")) {
            console.connect(false, 300);
            console.subscribe("devices/#", 1);
            feed.connect(true, 0);

            // The attacker names the console's (bound) client id "ops": it connects, as client "mallory".
            attacker.connect(true, 0);
            feed.publish("devices/d7/temp", "22", 1, false);
            assertThat(console.expectMessage().payload()).isEqualTo("22");
            assertThat(console.isConnected()).isTrue();
            assertThat(console.disconnects).isEmpty();

            // Its %c is its own name, "mallory", not the "ops" it sent.
            assertThat(attacker.publish("devices/mallory/temp", "own", 1, false)).isEqualTo(0x00);
            assertThat(attacker.publish("devices/ops/temp", "forged", 1, false)).isEqualTo(NOT_AUTHORIZED);

            // d1 sends client id "d2", but is client "d1": %c resolves to its own name, never to d2.
            d1.connect(true, 0);
            assertThat(d1.publish("devices/d1/temp", "own", 1, false)).isEqualTo(0x00);
            assertThat(d1.publish("devices/d2/temp", "forged", 1, false)).isEqualTo(NOT_AUTHORIZED);
            assertThat(console.expectMessage().payload()).isEqualTo("own"); // mallory's own, then d1's own
            assertThat(console.expectMessage().payload()).isEqualTo("own");
            assertThat(console.messages).as("no forged message reached the console").isEmpty();
        }
    }

    @Test
    void certificateBindingMakesTheClientIdTheCertificatesName() throws Exception {
        Issued ca = TestPki.ca("Fleet CA");
        Path cert = dir.resolve("server.pem");
        Path serverKey = dir.resolve("server.key");
        Path bundle = dir.resolve("ca.pem");
        TestPki.server(ca, "broker-1").writePem(cert, serverKey);
        TestPki.writeBundle(bundle, ca);
        TestPki.replace(acl, "allow all client * devices/%c/#\n");
        try (TestBroker b = TestBroker.start(c -> c
                .withTls(TlsConfig.defaults().withFiles(cert.toString(), serverKey.toString(), bundle.toString()))
                .withListeners(c.listeners().withTls(TlsListenerConfig.tlsDefaults()
                        .enabledOn("127.0.0.1", 0, TlsListenerConfig.ClientAuth.REQUIRED)))
                .withAuth(new AuthConfig(false).withCertificateIdentity(AuthConfig.CertificateIdentity.CN, false)
                        .withAclFile(acl.toString(), List.of()).withClientIdBinding(ClientIdBinding.CERTIFICATE)))) {
            Mqtt5BlockingClient truck7 = device(b, ca, TestPki.client(ca, "truck-7"), "truck-7");
            truck7.connectWith().cleanStart(false).sessionExpiryInterval(300).send();
            try (Mqtt5BlockingClient.Mqtt5Publishes in = truck7.publishes(MqttGlobalPublishFilter.ALL)) {
                truck7.subscribeWith().topicFilter("devices/truck-7/#").qos(MqttQos.AT_LEAST_ONCE).send();

                // truck-9's certificate with truck-7's client id: connected, but as client truck-9.
                Mqtt5BlockingClient truck9 = device(b, ca, TestPki.client(ca, "truck-9"), "truck-7");
                truck9.connect();
                assertThatThrownBy(() -> truck9.publishWith().topic("devices/truck-7/cmd")
                        .payload("unlock".getBytes(StandardCharsets.UTF_8)).qos(MqttQos.AT_LEAST_ONCE).send())
                        .isInstanceOfSatisfying(Mqtt5PubAckException.class, e -> assertThat(
                                e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED));
                truck9.publishWith().topic("devices/truck-9/gps").payload("own".getBytes(StandardCharsets.UTF_8))
                        .qos(MqttQos.AT_LEAST_ONCE).send();
                truck9.disconnect();

                // truck-7 was not taken over: it is still connected and still gets its own traffic.
                truck7.publishWith().topic("devices/truck-7/gps").payload("mine".getBytes(StandardCharsets.UTF_8))
                        .qos(MqttQos.AT_LEAST_ONCE).send();
                Optional<Mqtt5Publish> own = in.receive(5, TimeUnit.SECONDS);
                assertThat(own).isPresent();
                assertThat(new String(own.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("mine");
                assertThat(truck7.getState().isConnected()).isTrue();
            } finally {
                truck7.disconnect();
            }
        }
    }

    @Test
    void bindingNoneWithAuthenticationIsAOneLineConfigError() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("auth.passwordFile=" + passwd,
                "auth.clientIdBinding=none"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("auth.clientIdBinding: none is only allowed without authentication")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("auth.clientIdBinding=certificate"), Map.of()))
                .hasMessageContaining("auth.clientIdBinding: certificate needs auth.certificateIdentity");
    }

    private static Mqtt5BlockingClient jwtClient(TestBroker b, String clientId, String token) {
        return Mqtt5Client.builder().identifier(clientId).serverHost("127.0.0.1").serverPort(b.port())
                .simpleAuth().password(token.getBytes(StandardCharsets.UTF_8)).applySimpleAuth().buildBlocking();
    }

    private static String token(ECKey key, String subject) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(subject).audience("fleetmq-devices")
                .expirationTime(Date.from(Instant.now().plus(Duration.ofMinutes(5))))
                .claim("fleetmq", Map.of("publish", List.of("devices/%c/#"), "subscribe", List.of("devices/%c/#")))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    private static Mqtt5BlockingClient device(TestBroker b, Issued ca, Issued cert, String clientId)
            throws Exception {
        return Mqtt5Client.builder().identifier(clientId).serverHost("127.0.0.1")
                .serverPort(b.broker().listenerAddress("tls").getPort())
                .sslConfig().trustManagerFactory(TestPki.trustManagers(ca)).keyManagerFactory(cert.keyManagers())
                .applySslConfig().buildBlocking();
    }
}
