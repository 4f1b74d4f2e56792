package io.fleetmq.broker.it.security;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.fleetmq.broker.config.AuthConfig;
import io.fleetmq.broker.config.TlsConfig;
import io.fleetmq.broker.config.TlsListenerConfig;
import io.fleetmq.broker.testing.TestBroker;
import io.fleetmq.broker.testing.TestPki;
import io.fleetmq.broker.testing.TestPki.Issued;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The issue's "done when", end to end: over mTLS, a device whose certificate says {@code truck-9} reaches only
 * {@code devices/truck-9/#}; anything else is refused with the v5 reason code. HiveMQ MQTT 5 client, real TLS.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeviceCertificateEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void deviceWithAValidCertificateReachesOnlyItsOwnSubtree() throws Exception {
        Issued ca = TestPki.ca("Fleet CA");
        Path cert = dir.resolve("server.pem");
        Path key = dir.resolve("server.key");
        Path bundle = dir.resolve("ca.pem");
        Path acl = dir.resolve("acl");
        TestPki.server(ca, "broker-1").writePem(cert, key);
        TestPki.writeBundle(bundle, ca);
        TestPki.replace(acl, "allow all client * devices/%c/#\n");
        try (TestBroker b = TestBroker.start(c -> c
                .withTls(TlsConfig.defaults().withFiles(cert.toString(), key.toString(), bundle.toString()))
                .withListeners(c.listeners().withTls(TlsListenerConfig.tlsDefaults()
                        .enabledOn("127.0.0.1", 0, TlsListenerConfig.ClientAuth.REQUIRED)))
                .withAuth(new AuthConfig(false).withCertificateIdentity(AuthConfig.CertificateIdentity.CN, true)
                        .withAclFile(acl.toString(), List.of())))) {
            Mqtt5BlockingClient truck = device(b, ca, TestPki.client(ca, "truck-9"), "truck-9");
            truck.connect();
            try (Mqtt5BlockingClient.Mqtt5Publishes in = truck.publishes(
                    com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL)) {
                truck.subscribeWith().topicFilter("devices/truck-9/#").qos(MqttQos.AT_LEAST_ONCE).send();
                truck.publishWith().topic("devices/truck-9/gps").payload("52.5,13.4".getBytes(StandardCharsets.UTF_8))
                        .qos(MqttQos.AT_LEAST_ONCE).send();
                Optional<com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish> own = in.receive(5,
                        TimeUnit.SECONDS);
                assertThat(own).isPresent();

                assertThatThrownBy(() -> truck.subscribeWith().topicFilter("devices/truck-8/#").send())
                        .isInstanceOfSatisfying(Mqtt5SubAckException.class, e -> assertThat(
                                e.getMqttMessage().getReasonCodes()).containsExactly(
                                Mqtt5SubAckReasonCode.NOT_AUTHORIZED));
                assertThatThrownBy(() -> truck.publishWith().topic("devices/truck-8/cmd")
                        .payload("reboot".getBytes(StandardCharsets.UTF_8)).qos(MqttQos.AT_LEAST_ONCE).send())
                        .isInstanceOfSatisfying(Mqtt5PubAckException.class, e -> assertThat(
                                e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED));
            } finally {
                truck.disconnect();
            }

            // Its certificate under another device's client id does not get in at all.
            Mqtt5BlockingClient impostor = device(b, ca, TestPki.client(ca, "truck-9"), "truck-8");
            assertThatThrownBy(impostor::connect).hasMessageContaining("NOT_AUTHORIZED");
        }
    }

    private static Mqtt5BlockingClient device(TestBroker b, Issued ca, Issued cert, String clientId)
            throws Exception {
        return Mqtt5Client.builder().identifier(clientId).serverHost("127.0.0.1")
                .serverPort(b.broker().listenerAddress("tls").getPort())
                .sslConfig().trustManagerFactory(TestPki.trustManagers(ca)).keyManagerFactory(cert.keyManagers())
                .applySslConfig().buildBlocking();
    }
}
