package io.fleetmq.broker.it.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.fleetmq.broker.config.AuthConfig;
import io.fleetmq.broker.testing.RawMqttClient;
import io.fleetmq.broker.testing.TestBroker;
import io.fleetmq.broker.testing.TestPki;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * JWTs as the CONNECT password, verified against a JWKS file: RS256 and ES256, exp/nbf/aud, the permissions claim
 * as the connection's ACL, and key rotation by editing the JWKS file.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JwtAuthTest {
    private static RSAKey rsa;
    private static ECKey ec;

    @TempDir
    Path dir;

    @BeforeAll
    static void keys() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    }

    private TestBroker start(JWK... keys) throws Exception {
        Path jwks = dir.resolve("jwks.json");
        writeJwks(jwks, keys);
        return TestBroker.start(c -> c.withAuth(new AuthConfig(false)
                .withJwt(jwks.toString(), List.of("fleetmq-devices"))));
    }

    private static void writeJwks(Path file, JWK... keys) throws Exception {
        List<JWK> pub = java.util.Arrays.stream(keys).map(JWK::toPublicJWK).toList();
        TestPki.replace(file, new JWKSet(pub).toString());
    }

    private static String token(JWK key, String subject, Consumer<JWTClaimsSet.Builder> tweak) throws Exception {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(subject)
                .audience("fleetmq-devices")
                .expirationTime(Date.from(Instant.now().plus(Duration.ofMinutes(5))))
                .claim("fleetmq", Map.of("publish", List.of("devices/%c/#"), "subscribe", List.of("devices/%c/#")));
        tweak.accept(claims);
        SignedJWT jwt;
        if (key instanceof RSAKey r) {
            jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(r.getKeyID()).build(), claims.build());
            jwt.sign(new RSASSASigner(r));
        } else {
            ECKey e = (ECKey) key;
            jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(e.getKeyID()).build(), claims.build());
            jwt.sign(new ECDSASigner(e));
        }
        return jwt.serialize();
    }

    private static MqttConnectReturnCode connack(TestBroker b, String token) {
        return AuthClients.connack(b, MqttVersion.MQTT_5, "truck-9", null, token);
    }

    @Test
    void rs256TokenConnectsAndItsPermissionsClaimIsTheConnectionsAcl() throws Exception {
        try (TestBroker b = start(rsa, ec);
             RawMqttClient c = AuthClients.connected(b, MqttVersion.MQTT_5, "truck-9", "truck-9",
                     token(rsa, "truck-9", x -> { }))) {
            assertThat(AuthClients.subscribe(c, "devices/truck-9/#")).isEqualTo(1);
            assertThat(AuthClients.subscribe(c, "devices/truck-8/#")).isEqualTo(0x87);
            assertThat(AuthClients.publishQos1(c, "devices/truck-8/temp")).isEqualTo(0x87);
        }
    }

    @Test
    void es256TokenConnects() throws Exception {
        try (TestBroker b = start(rsa, ec)) {
            assertThat(connack(b, token(ec, "truck-9", x -> { })))
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
        }
    }

    @Test
    void expiredNotYetValidWrongAudienceAndUnknownKeyAreBadCredentials() throws Exception {
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("rsa-1").generate(); // same kid, other key
        try (TestBroker b = start(rsa)) {
            MqttConnectReturnCode bad = MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USERNAME_OR_PASSWORD;
            assertThat(connack(b, token(rsa, "truck-9", x -> x.expirationTime(
                    Date.from(Instant.now().minus(Duration.ofMinutes(5))))))).as("expired").isEqualTo(bad);
            assertThat(connack(b, token(rsa, "truck-9", x -> x.notBeforeTime(
                    Date.from(Instant.now().plus(Duration.ofMinutes(10))))))).as("nbf in the future").isEqualTo(bad);
            assertThat(connack(b, token(rsa, "truck-9", x -> x.audience("someone-else")))).as("aud")
                    .isEqualTo(bad);
            assertThat(connack(b, token(stranger, "truck-9", x -> { }))).as("signature").isEqualTo(bad);
            assertThat(connack(b, token(ec, "truck-9", x -> { }))).as("key not in the JWKS").isEqualTo(bad);
        }
    }

    @Test
    void usernameOtherThanTheSubjectIsNotAuthorized() throws Exception {
        try (TestBroker b = start(rsa)) {
            assertThat(AuthClients.connack(b, MqttVersion.MQTT_5, "truck-9", "truck-1", token(rsa, "truck-9", x -> { })))
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5);
        }
    }

    @Test
    void aKeyAddedToTheJwksFileIsTrustedAfterReload() throws Exception {
        try (TestBroker b = start(rsa)) {
            String ecToken = token(ec, "truck-9", x -> { });
            assertThat(connack(b, ecToken)).isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USERNAME_OR_PASSWORD);

            writeJwks(dir.resolve("jwks.json"), rsa, ec);
            b.broker().checkFilesNow();
            assertThat(connack(b, ecToken)).isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
        }
    }
}
