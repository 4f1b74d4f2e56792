package io.fleetmq.broker.it.security;

import io.fleetmq.broker.config.AuthConfig;
import io.fleetmq.broker.it.v3.LogCapture;
import io.fleetmq.broker.testing.RawMqttClient;
import io.fleetmq.broker.testing.TestBroker;
import io.fleetmq.broker.testing.TestPki;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.fleetmq.broker.it.security.AuthClients.connected;
import static io.fleetmq.broker.it.security.AuthClients.publishQos1;
import static io.fleetmq.broker.it.security.AuthClients.subscribe;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ACL with real clients: two devices, each allowed only {@code devices/<its client id>/#}, every combination of
 * publish and subscribe checked in v3.1.1 and v5; an operator watching all devices; {@code $SYS} for admins only;
 * the ACL file reloaded on change, and a broken edit ignored.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AclMatrixTest {
    private static final Duration QUIET = Duration.ofMillis(300);
    private static final int NOT_AUTHORIZED = 0x87;
    private static final int V3_FAILURE = 0x80;
    private static final int NO_MATCHING_SUBSCRIBERS = 0x10;

    @TempDir
    Path dir;
    private Path acl;
    private Path passwd;

    @BeforeEach
    void files() throws Exception {
        acl = dir.resolve("acl");
        TestPki.replace(acl, """
                # devices reach their own subtree only
                allow all       client *   devices/%c/#
                allow subscribe user   ops devices/#
                """);
        passwd = Passwords.write(dir.resolve("passwd"), "d1", "pw-d1", "d2", "pw-d2", "ops", "pw-ops");
    }

    private TestBroker start() {
        return TestBroker.start(c -> c.withAuth(new AuthConfig(false).withPasswordFile(passwd.toString())
                .withAclFile(acl.toString(), List.of("ops"))));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = MqttVersion.class, names = {"MQTT_3_1_1", "MQTT_5"})
    void eachDeviceReachesOnlyItsOwnTopics(MqttVersion v) {
        boolean v5 = v == MqttVersion.MQTT_5;
        try (TestBroker b = start();
             RawMqttClient ops = connected(b, v, "ops-console", "ops", "pw-ops");
             RawMqttClient d1 = connected(b, v, "d1", "d1", "pw-d1");
             RawMqttClient d2 = connected(b, v, "d2", "d2", "pw-d2")) {
            assertThat(subscribe(ops, "devices/#")).isEqualTo(1);
            for (RawMqttClient actor : List.of(d1, d2)) {
                String self = actor == d1 ? "d1" : "d2";
                for (String target : List.of("d1", "d2")) {
                    boolean own = self.equals(target);
                    String topic = "devices/" + target + "/temp";

                    assertThat(subscribe(actor, "devices/" + target + "/#"))
                            .as("%s subscribes to %s's topics", self, target)
                            .isEqualTo(own ? 1 : (v5 ? NOT_AUTHORIZED : V3_FAILURE));

                    int ack = publishQos1(actor, topic);
                    if (v5) {
                        assertThat(ack).as("%s publishes to %s", self, topic)
                                .isEqualTo(own ? 0x00 : NOT_AUTHORIZED);
                    }
                    MqttMessage seen = ops.receive(QUIET);
                    if (own) {
                        assertThat(seen).as("ops sees %s's own publish", self).isInstanceOf(MqttPublishMessage.class);
                        assertThat(((MqttPublishMessage) seen).variableHeader().topicName()).isEqualTo(topic);
                        ops.ackFully((MqttPublishMessage) seen);
                    } else {
                        assertThat(seen).as("%s's publish to %s is dropped", self, topic).isNull();
                    }
                }
                // The device's own subscription receives its own message; nothing of the other device arrives.
                List<MqttMessage> own = actor.drain(QUIET);
                assertThat(own).allSatisfy(m -> assertThat(((MqttPublishMessage) m).variableHeader().topicName())
                        .startsWith("devices/" + self + "/"));
            }
        }
    }

    @Test
    void wildcardsCannotReachPastTheRules() {
        try (TestBroker b = start(); RawMqttClient d1 = connected(b, MqttVersion.MQTT_5, "d1", "d1", "pw-d1")) {
            assertThat(subscribe(d1, "devices/#")).isEqualTo(NOT_AUTHORIZED);
            assertThat(subscribe(d1, "devices/+/temp")).isEqualTo(NOT_AUTHORIZED);
            assertThat(subscribe(d1, "#")).isEqualTo(NOT_AUTHORIZED);
            assertThat(subscribe(d1, "devices/d1/+")).isEqualTo(1);
            assertThat(subscribe(d1, "$share/g/devices/d1/#")).as("shared, own subtree").isEqualTo(1);
            assertThat(subscribe(d1, "$share/g/devices/d2/#")).isEqualTo(NOT_AUTHORIZED);
        }
    }

    @Test
    void aClientIdHoldingWildcardsDoesNotWidenItsRule() throws Exception {
        Passwords.write(passwd, "sneaky", "pw");
        try (TestBroker b = start(); RawMqttClient c = connected(b, MqttVersion.MQTT_5, "#", "sneaky", "pw")) {
            // "devices/%c/#" with client id "#" would be "devices/#/#": the rule is not applied at all.
            assertThat(subscribe(c, "devices/d1/temp")).isEqualTo(NOT_AUTHORIZED);
            assertThat(publishQos1(c, "devices/d1/temp")).isEqualTo(NOT_AUTHORIZED);
        }
    }

    @Test
    void sysIsReadableByAdminsOnly() {
        try (TestBroker b = start();
             RawMqttClient d1 = connected(b, MqttVersion.MQTT_5, "d1", "d1", "pw-d1");
             RawMqttClient ops = connected(b, MqttVersion.MQTT_5, "ops-1", "ops", "pw-ops")) {
            assertThat(subscribe(d1, "$SYS/#")).isEqualTo(NOT_AUTHORIZED);
            assertThat(subscribe(ops, "$SYS/broker/version")).isEqualTo(1);
            MqttMessage m = ops.receive(Duration.ofSeconds(5));
            assertThat(m).isInstanceOf(MqttPublishMessage.class);
            assertThat(m.fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBLISH);
        }
    }

    @Test
    void aclFileReloadsOnChangeAndABrokenEditKeepsThePreviousRules() throws Exception {
        try (TestBroker b = start(); LogCapture log = LogCapture.all();
             RawMqttClient d1 = connected(b, MqttVersion.MQTT_5, "d1", "d1", "pw-d1")) {
            assertThat(subscribe(d1, "fleet/announcements")).isEqualTo(NOT_AUTHORIZED);

            TestPki.replace(acl, """
                    allow all       client *   devices/%c/#
                    allow subscribe any        fleet/announcements
                    """);
            b.broker().checkFilesNow();
            assertThat(subscribe(d1, "fleet/announcements")).isEqualTo(1);

            TestPki.replace(acl, "allow everything to everyone\n");
            b.broker().checkFilesNow();
            assertThat(log.warningsContaining("line 1: second field must be publish, subscribe or all")).isEqualTo(1);
            assertThat(subscribe(d1, "fleet/announcements")).as("previous rules still in force").isEqualTo(1);
            assertThat(subscribe(d1, "devices/d2/#")).isEqualTo(NOT_AUTHORIZED);
        }
    }

    @Test
    void noSubscriberMeansNoMatchingSubscribersNotDenied() {
        try (TestBroker b = start(); RawMqttClient d2 = connected(b, MqttVersion.MQTT_5, "d2", "d2", "pw-d2")) {
            assertThat(publishQos1(d2, "devices/d2/alone")).isEqualTo(NO_MATCHING_SUBSCRIBERS);
        }
    }

    @Test
    void aWillOnAnotherDevicesTopicIsRefusedAtConnect() {
        try (TestBroker b = start(); RawMqttClient c = RawMqttClient.open(b)) {
            var connect = RawMqttClient.connectBuilder("d1", MqttVersion.MQTT_5, true, 30, null)
                    .hasUser(true).username("d1").hasPassword(true)
                    .password("pw-d1".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .willFlag(true).willTopic("devices/d2/status").willMessage("gone".getBytes())
                    .willQoS(io.netty.handler.codec.mqtt.MqttQoS.AT_LEAST_ONCE).build();

            assertThat(c.connect(connect).variableHeader().connectReturnCode())
                    .isEqualTo(io.netty.handler.codec.mqtt.MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5);
        }
    }
}
