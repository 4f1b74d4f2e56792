package io.fleetmq.broker.it.attacks;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.fleetmq.broker.config.AuthConfig;
import io.fleetmq.broker.config.LimitsConfig;
import io.fleetmq.broker.config.SysConfig;
import io.fleetmq.broker.it.security.Passwords;
import io.fleetmq.broker.testing.TestBroker;
import io.fleetmq.broker.testing.TestPki;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Attack: use the will, a PUBLISH the broker makes later on the client's behalf, to say what the client could not
 * say itself: a retained message on {@code $SYS} served to every monitoring client as the broker's own, a message on
 * another device's topic, one over the topic limits, or one the ACL stopped allowing after CONNECT. Wills go through
 * every check a PUBLISH does, at CONNECT (refused with a CONNACK reason code) and again when they fire.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WillOnSysTest {
    private static final String FORGED = "0 seconds (broker restarted, please re-flash)";

    @TempDir
    Path dir;
    private Path passwd;
    private Path acl;

    @BeforeEach
    void files() throws Exception {
        passwd = Passwords.write(dir.resolve("passwd"), "admin", "pw-admin", "mallory", "pw-mallory", "d1", "pw-d1",
                "d2", "pw-d2", "ops", "pw-ops");
        acl = dir.resolve("acl");
        TestPki.replace(acl, """
                allow all       client *   devices/%c/#
                allow subscribe user   ops devices/#
                """);
    }

    @Test
    void aRetainedWillOnSysIsRefusedAndNeverServedToSysSubscribers() throws Exception {
        try (TestBroker b = TestBroker.start(c -> c.withSys(new SysConfig(true, Duration.ofSeconds(1)))
                .withAuth(new AuthConfig(false).withPasswordFile(passwd.toString())));
             PahoDevice mallory = new PahoDevice(b, "mallory-1", "mallory", "pw-mallory");
             PahoDevice admin = new PahoDevice(b, "monitor", "admin", "pw-admin")) {
            MqttConnectionOptions o = mallory.options(true, 0);
            o.setWill("$SYS/broker/uptime", new MqttMessage(FORGED.getBytes(StandardCharsets.UTF_8), 1, true, null));
            assertThatThrownBy(() -> mallory.connect(o)).isInstanceOfSatisfying(MqttException.class,
                    e -> assertThat(e.getReasonCode()).as("v5 CONNACK").isEqualTo(0x87));

            MqttClient v3 = new MqttClient("tcp://127.0.0.1:" + b.port(), "mallory-3", new MemoryPersistence());
            MqttConnectOptions o3 = new MqttConnectOptions();
            o3.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            o3.setUserName("mallory");
            o3.setPassword("pw-mallory".toCharArray());
            o3.setWill("$SYS/broker/uptime", FORGED.getBytes(StandardCharsets.UTF_8), 1, true);
            assertThatThrownBy(() -> v3.connect(o3)).isInstanceOfSatisfying(
                    org.eclipse.paho.client.mqttv3.MqttException.class,
                    e -> assertThat(e.getReasonCode()).as("v3.1.1 return code").isEqualTo(5));
            v3.close(true);

            admin.connect(true, 0);
            admin.subscribe("$SYS/broker/uptime", 1);
            PahoDevice.Received uptime = admin.expectMessage();
            assertThat(uptime.retained()).isTrue();
            assertThat(uptime.payload()).as("the broker's own uptime, not the forged will").matches("\\d+");
        }
    }

    @Test
    void aWillOnATopicTheAclDeniesIsRefused() throws Exception {
        try (TestBroker b = TestBroker.start(c -> c.withAuth(new AuthConfig(false).withPasswordFile(passwd.toString())
                .withAclFile(acl.toString(), List.of())))) {
            Mqtt5BlockingClient d1 = Mqtt5Client.builder().identifier("d1").serverHost("127.0.0.1")
                    .serverPort(b.port()).simpleAuth().username("d1").password(bytes("pw-d1")).applySimpleAuth()
                    .willPublish().topic("devices/d2/cmd").payload(bytes("unlock")).qos(MqttQos.AT_LEAST_ONCE)
                    .applyWillPublish().buildBlocking();
            assertThatThrownBy(d1::connect).isInstanceOfSatisfying(Mqtt5ConnAckException.class,
                    e -> assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED));

            MqttClient v3 = new MqttClient("tcp://127.0.0.1:" + b.port(), "d1", new MemoryPersistence());
            MqttConnectOptions o3 = new MqttConnectOptions();
            o3.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            o3.setUserName("d1");
            o3.setPassword("pw-d1".toCharArray());
            o3.setWill("devices/d2/cmd", bytes("unlock"), 1, false);
            assertThatThrownBy(() -> v3.connect(o3)).isInstanceOfSatisfying(
                    org.eclipse.paho.client.mqttv3.MqttException.class, e -> assertThat(e.getReasonCode()).isEqualTo(5));
            v3.close(true);
        }
    }

    @Test
    void aWillOverTheTopicLimitsIsRefusedWithQuotaExceededLikeAPublishOverThem() {
        try (TestBroker b = TestBroker.start(c -> c.withLimits(new LimitsConfig(0, 0, 0, 0, 65_535, 4))
                .withAuth(new AuthConfig(false).withPasswordFile(passwd.toString())))) {
            Mqtt5BlockingClient d1 = Mqtt5Client.builder().identifier("d1").serverHost("127.0.0.1")
                    .serverPort(b.port()).simpleAuth().username("d1").password(bytes("pw-d1")).applySimpleAuth()
                    .willPublish().topic("devices/d1/a/b/c/d").payload(bytes("gone")).applyWillPublish()
                    .buildBlocking();
            assertThatThrownBy(d1::connect).isInstanceOfSatisfying(Mqtt5ConnAckException.class,
                    e -> assertThat(e.getMqttMessage().getReasonCode())
                            .isEqualTo(Mqtt5ConnAckReasonCode.QUOTA_EXCEEDED));
        }
    }

    @Test
    void aWillWhosePermissionIsRevokedBeforeItFiresIsNotPublished() throws Exception {
        try (TestBroker b = TestBroker.start(c -> c.withAuth(new AuthConfig(false).withPasswordFile(passwd.toString())
                .withAclFile(acl.toString(), List.of()).withReloadInterval(Duration.ofMillis(200))));
             PahoDevice ops = new PahoDevice(b, "ops-console", "ops", "pw-ops");
             PahoDevice d1 = new PahoDevice(b, "d1", "d1", "pw-d1");
             PahoDevice d2 = new PahoDevice(b, "d2", "d2", "pw-d2")) {
            ops.connect(true, 0);
            ops.subscribe("devices/#", 1);
            MqttConnectionOptions o1 = d1.options(true, 0);
            o1.setWill("devices/d1/status", new MqttMessage(bytes("d1 gone"), 1, false, null));
            d1.connect(o1);
            MqttConnectionOptions o2 = d2.options(true, 0);
            o2.setWill("devices/d2/status", new MqttMessage(bytes("d2 gone"), 1, false, null));
            d2.connect(o2);

            TestPki.replace(acl, """
                    deny  publish   client d1  devices/d1/status
                    deny  subscribe user   ops devices/d9/#
                    allow all       client *   devices/%c/#
                    allow subscribe user   ops devices/#
                    """);
            try (PahoDevice probe = new PahoDevice(b, "ops-probe", "ops", "pw-ops")) {
                probe.connect(true, 0);
                Await.until("the rewritten ACL file is in force", Duration.ofSeconds(10), () -> {
                    try {
                        return probe.subscribe("devices/d9/#", 1) == 0x87;
                    } catch (MqttException e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
            long denialsBefore = b.broker().stats().aclDenials.sum();

            d1.disconnectWithWill();
            d2.disconnectWithWill();
            Await.until("d1's will was refused", Duration.ofSeconds(5),
                    () -> b.broker().stats().aclDenials.sum() > denialsBefore);
            PahoDevice.Received will = ops.expectMessage();
            assertThat(will.payload()).as("only d2's will, still allowed").isEqualTo("d2 gone");
            assertThat(ops.messages).isEmpty();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
