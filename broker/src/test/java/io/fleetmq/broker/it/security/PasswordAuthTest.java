package io.fleetmq.broker.it.security;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.fleetmq.broker.config.AuthConfig;
import io.fleetmq.broker.testing.RawMqttClient;
import io.fleetmq.broker.testing.TestBroker;
import io.fleetmq.broker.testing.TestPki;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Password-file authentication with real clients: the v3.1.1 return codes 4/5 and v5 reason codes 0x86/0x87
 * [MQTT-3.2.2-...], reload on change, and packets pipelined behind CONNECT while the password is being hashed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PasswordAuthTest {
    @TempDir
    Path dir;
    private Path passwd;

    @BeforeEach
    void users() throws Exception {
        passwd = Passwords.write(dir.resolve("passwd"), "alice", "correct horse");
    }

    private TestBroker start() {
        return TestBroker.start(c -> c.withAuth(new AuthConfig(false).withPasswordFile(passwd.toString())));
    }

    private static String uri(TestBroker b) {
        return "tcp://127.0.0.1:" + b.port();
    }

    @Test
    void pahoV3GetsInWithTheRightPasswordAndReturnCode4Or5Otherwise() throws Exception {
        try (TestBroker b = start()) {
            MqttClient ok = TlsClients.connect(uri(b), "alice-1", null, "alice", "correct horse");
            assertThat(ok.isConnected()).isTrue();
            TlsClients.closeQuietly(ok);

            assertThatThrownBy(() -> TlsClients.connect(uri(b), "alice-2", null, "alice", "battery staple"))
                    .isInstanceOfSatisfying(MqttException.class, e -> assertThat(e.getReasonCode())
                            .isEqualTo(MqttException.REASON_CODE_FAILED_AUTHENTICATION)); // 4
            assertThatThrownBy(() -> TlsClients.connect(uri(b), "nobody", null, null, null))
                    .isInstanceOfSatisfying(MqttException.class, e -> assertThat(e.getReasonCode())
                            .isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED)); // 5
            assertThat(b.broker().stats().authFailures.sum()).isEqualTo(2);
        }
    }

    @Test
    void hiveMqV5GetsBadUserNameOrPasswordOrNotAuthorized() {
        try (TestBroker b = start()) {
            Mqtt5BlockingClient ok = Mqtt5Client.builder().identifier("alice-5").serverHost("127.0.0.1")
                    .serverPort(b.port()).simpleAuth().username("alice")
                    .password("correct horse".getBytes(StandardCharsets.UTF_8)).applySimpleAuth().buildBlocking();
            ok.connect();
            ok.disconnect();

            Mqtt5BlockingClient wrong = Mqtt5Client.builder().identifier("alice-5b").serverHost("127.0.0.1")
                    .serverPort(b.port()).simpleAuth().username("alice")
                    .password("nope".getBytes(StandardCharsets.UTF_8)).applySimpleAuth().buildBlocking();
            assertThatThrownBy(wrong::connect).isInstanceOfSatisfying(Mqtt5ConnAckException.class,
                    e -> assertThat(e.getMqttMessage().getReasonCode())
                            .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD));

            Mqtt5BlockingClient anonymous = Mqtt5Client.builder().identifier("anon-5").serverHost("127.0.0.1")
                    .serverPort(b.port()).buildBlocking();
            assertThatThrownBy(anonymous::connect).isInstanceOfSatisfying(Mqtt5ConnAckException.class,
                    e -> assertThat(e.getMqttMessage().getReasonCode())
                            .isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED));
        }
    }

    @Test
    void passwordFileChangesTakeEffectWithoutARestart() throws Exception {
        try (TestBroker b = start()) {
            // An unknown user is answered like a wrong password, so user names cannot be probed.
            assertThat(AuthClients.connack(b, MqttVersion.MQTT_3_1_1, "bob-1", "bob", "pw-bob"))
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD);

            Passwords.write(passwd, "alice", "correct horse", "bob", "pw-bob");
            b.broker().checkFilesNow();
            assertThat(AuthClients.connack(b, MqttVersion.MQTT_3_1_1, "bob-2", "bob", "pw-bob"))
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);

            // A malformed edit is ignored: bob keeps working.
            TestPki.replace(passwd, "bob:plaintext\n");
            b.broker().checkFilesNow();
            assertThat(AuthClients.connack(b, MqttVersion.MQTT_3_1_1, "bob-3", "bob", "pw-bob"))
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
        }
    }

    @Test
    void packetsSentRightBehindConnectWaitForTheAnswerAndAreThenProcessed() {
        try (TestBroker b = start(); RawMqttClient c = RawMqttClient.open(b)) {
            c.protocolVersion(MqttVersion.MQTT_3_1_1);
            // CONNECT and SUBSCRIBE in one write: the SUBSCRIBE arrives while the password is still being hashed.
            c.send(AuthClients.connect(MqttVersion.MQTT_3_1_1, "pipelined", "alice", "correct horse"));
            c.send(io.netty.handler.codec.mqtt.MqttMessageBuilders.subscribe().messageId(7)
                    .addSubscription(MqttQoS.AT_LEAST_ONCE, "pipe/#").build());

            assertThat(c.expect(MqttMessageType.CONNACK, RawMqttClient.DEFAULT_TIMEOUT).fixedHeader().messageType())
                    .isEqualTo(MqttMessageType.CONNACK);
            MqttSubAckMessage ack = c.awaitPacket(MqttMessageType.SUBACK, 7, RawMqttClient.DEFAULT_TIMEOUT);
            assertThat(ack.payload().reasonCodes()).containsExactly(1);
        }
    }

    @Test
    void anonymousStaysAllowedInTheDevelopmentDefault() {
        try (TestBroker b = TestBroker.start()) {
            assertThat(AuthClients.connack(b, MqttVersion.MQTT_5, "dev-anon", null, null))
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
        }
    }

    @Test
    void passwordAndAclFilesAreReReadOnTheirOwnAtTheReloadInterval() throws Exception {
        Path acl = dir.resolve("acl");
        TestPki.replace(acl, "allow all client * devices/%c/#\n");
        try (TestBroker b = TestBroker.start(c -> c.withAuth(new AuthConfig(false)
                .withPasswordFile(passwd.toString()).withAclFile(acl.toString(), java.util.List.of())
                .withReloadInterval(java.time.Duration.ofMillis(200))))) {
            // ACL first: by the time carol can log in, the pass that read the password file has seen it too.
            TestPki.replace(acl, "allow all client * devices/%c/#\nallow subscribe any fleet/#\n");
            Passwords.write(passwd, "alice", "correct horse", "carol", "pw-carol");

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            MqttConnectReturnCode code;
            do {
                Thread.sleep(100);
                code = AuthClients.connack(b, MqttVersion.MQTT_5, "carol-1", "carol", "pw-carol");
            } while (code != MqttConnectReturnCode.CONNECTION_ACCEPTED && System.nanoTime() < deadline);
            assertThat(code).as("new user picked up without checkFilesNow").isEqualTo(
                    MqttConnectReturnCode.CONNECTION_ACCEPTED);
            try (RawMqttClient carol = AuthClients.connected(b, MqttVersion.MQTT_5, "carol-2", "carol", "pw-carol")) {
                assertThat(AuthClients.subscribe(carol, "fleet/news")).isEqualTo(1);
            }
        }
    }
}
