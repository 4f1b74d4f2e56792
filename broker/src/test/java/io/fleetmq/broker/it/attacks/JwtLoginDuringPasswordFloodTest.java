package io.fleetmq.broker.it.attacks;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.fleetmq.broker.auth.PasswordHash;
import io.fleetmq.broker.config.AuthConfig;
import io.fleetmq.broker.it.security.Passwords;
import io.fleetmq.broker.testing.RawMqttClient;
import io.fleetmq.broker.testing.TestBroker;
import io.fleetmq.broker.testing.TestPki;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The attack: starve token logins by flooding the node with password logins (or just a reconnect storm of password
 * devices). Two hundred CONNECTs with a real password at the production iteration count keep every hashing thread
 * busy for seconds; a device with a JWT that connects meanwhile must be answered without waiting for them, because
 * token checks run on their own threads.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class JwtLoginDuringPasswordFloodTest {
    private static final int FLOOD = 200;

    @TempDir
    Path dir;

    @Test
    void aJwtLoginIsAnsweredWhileTwoHundredPasswordLoginsAreStillBeingHashed() throws Exception {
        Path passwd = Passwords.writeWithIterations(dir.resolve("passwd"), PasswordHash.DEFAULT_ITERATIONS,
                "gateway", "correct horse battery");
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        Path jwks = dir.resolve("jwks.json");
        TestPki.replace(jwks, new JWKSet(key.toPublicJWK()).toString());
        List<RawMqttClient> flood = new ArrayList<>();
        try (TestBroker b = TestBroker.start(c -> c.withAuth(new AuthConfig(false)
                .withPasswordFile(passwd.toString()).withJwt(jwks.toString(), List.of("fleetmq-devices"))
                .withFailedLoginsPerMinute(1_000_000)))) {
            for (int i = 0; i < FLOOD; i++) {
                flood.add(RawMqttClient.open(b));
            }
            RawMqttClient device = RawMqttClient.open(b);
            flood.add(device); // closed with the others
            // Connections first, then every CONNECT at once: the hashing queue fills in a few milliseconds.
            for (int i = 0; i < FLOOD; i++) {
                flood.get(i).send(RawMqttClient.connectBuilder("gw-" + i, MqttVersion.MQTT_3_1_1, true, 30, null)
                        .hasUser(true).username("gateway").hasPassword(true)
                        .password("correct horse battery".getBytes(StandardCharsets.UTF_8)).build());
            }

            MqttConnectReturnCode jwtAnswer = device.connect(
                    RawMqttClient.connectBuilder("truck-9", MqttVersion.MQTT_5, true, 30, null)
                            .hasUser(true).username("truck-9").hasPassword(true)
                            .password(token(key, "truck-9").getBytes(StandardCharsets.UTF_8)).build())
                    .variableHeader().connectReturnCode();
            int floodAnsweredBeforeTheToken = 0;
            List<MqttMessage> early = new ArrayList<>();
            for (RawMqttClient c : flood.subList(0, FLOOD)) {
                MqttMessage m = c.receive(Duration.ZERO);
                early.add(m);
                if (m != null) {
                    floodAnsweredBeforeTheToken++;
                }
            }

            assertThat(jwtAnswer).isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
            assertThat(floodAnsweredBeforeTheToken).as("password logins answered before the JWT login")
                    .isLessThan(FLOOD / 2);
            // The flood itself is bounded, not lost: every password login is answered, accepted.
            for (int i = 0; i < FLOOD; i++) {
                MqttMessage m = early.get(i) != null ? early.get(i)
                        : flood.get(i).expect(MqttMessageType.CONNACK, Duration.ofSeconds(120));
                assertThat(((MqttConnAckMessage) m).variableHeader().connectReturnCode()).as("gw-%d", i)
                        .isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
            }
        } finally {
            flood.forEach(RawMqttClient::close);
        }
    }

    private static String token(ECKey key, String subject) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(subject).audience("fleetmq-devices")
                .expirationTime(Date.from(Instant.now().plus(Duration.ofMinutes(5)))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }
}
