package io.fleetmq.broker.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private Path yaml(String text) throws IOException {
        Path f = dir.resolve("fleetmq.yaml");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void withoutFileEnvOrSetTheRecordDefaultsApplyAndSourceIsDefaults() {
        BrokerConfig c = ConfigLoader.load(null, List.of(), Map.of());

        assertThat(c).isEqualTo(BrokerConfig.defaults());
        assertThat(c.source()).isEqualTo("defaults");
    }

    @Test
    void fileValuesReplaceDefaultsAndSourceIsTheFilePath() throws IOException {
        Path f = yaml("""
                nodeName: edge-7
                listeners:
                  tcp:
                    bind: 0.0.0.0
                    port: 1884
                mqtt:
                  maxPacketSize: 65536
                  maxQos: 1
                  connectTimeout: 500ms
                sessions:
                  maxExpiryInterval: 3600
                  queueQos0WhenOffline: true
                auth:
                  allowAnonymous: false
                sys:
                  interval: 2m
                shutdown:
                  gracePeriod: 1h
                transport:
                  ioThreads: 4
                """);

        BrokerConfig c = ConfigLoader.load(f, List.of(), Map.of());

        assertThat(c.source()).isEqualTo(f.toString());
        assertThat(c.nodeName()).isEqualTo("edge-7");
        assertThat(c.listeners().tcp()).isEqualTo(new TcpListenerConfig(true, "0.0.0.0", 1884));
        assertThat(c.mqtt().maxPacketSize()).isEqualTo(65536);
        assertThat(c.mqtt().maxQos()).isEqualTo(1);
        assertThat(c.mqtt().connectTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.mqtt().receiveMaximum()).isEqualTo(MqttConfig.defaults().receiveMaximum());
        assertThat(c.sessions().maxExpiryInterval()).isEqualTo(3600L);
        assertThat(c.sessions().queueQos0WhenOffline()).isTrue();
        assertThat(c.auth().allowAnonymous()).isFalse();
        assertThat(c.sys().interval()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.shutdown().gracePeriod()).isEqualTo(Duration.ofHours(1));
        assertThat(c.transport().ioThreads()).isEqualTo(4);
    }

    @Test
    void fileMayUseDottedKeysLikeSet() throws IOException {
        Path f = yaml("listeners.tcp.port: 1999\nmqtt:\n  maxQos: 0\n");

        BrokerConfig c = ConfigLoader.load(f, List.of(), Map.of());

        assertThat(c.listeners().tcp().port()).isEqualTo(1999);
        assertThat(c.mqtt().maxQos()).isZero();
    }

    @Test
    void emptyOrCommentOnlyFileGivesDefaultsButAnonymousOffWithTheFileAsSource() throws IOException {
        Path f = yaml("# nothing configured yet\n");

        BrokerConfig c = ConfigLoader.load(f, List.of(), Map.of());

        // A config file means a real deployment: anonymous access is off unless the file turns it on.
        assertThat(ConfigSchema.valuesOf(c)).isEqualTo(ConfigSchema.valuesOf(
                BrokerConfig.defaults().withAuth(new AuthConfig(false))));
        assertThat(c.source()).isEqualTo(f.toString());
    }

    @Test
    void aConfigFileMayTurnAnonymousAccessBackOn() throws IOException {
        Path f = yaml("auth:\n  allowAnonymous: true\n");

        assertThat(ConfigLoader.load(f, List.of(), Map.of()).auth().allowAnonymous()).isTrue();
        assertThat(ConfigLoader.load(null, List.of(), Map.of()).auth().allowAnonymous()).isTrue();
    }

    @Test
    void securityKeysParseListsEnumsAndPaths() throws IOException {
        Path f = yaml("""
                listeners:
                  tcp:
                    proxyProtocol: true
                  tls:
                    enabled: true
                    clientAuth: REQUIRED
                tls:
                  certFile: /etc/fleetmq/server.pem
                  protocols: TLSv1.3
                auth:
                  certificateIdentity: cn
                  adminUsers: ops, root
                """);

        BrokerConfig c = ConfigLoader.load(f, List.of(), Map.of());

        assertThat(c.listeners().tcp().proxyProtocol()).isTrue();
        assertThat(c.listeners().tls().clientAuth()).isEqualTo(TlsListenerConfig.ClientAuth.REQUIRED);
        assertThat(c.tls().certFile()).isEqualTo("/etc/fleetmq/server.pem");
        assertThat(c.tls().protocols()).containsExactly("TLSv1.3");
        assertThat(c.auth().certificateIdentity()).isEqualTo(AuthConfig.CertificateIdentity.CN);
        assertThat(c.auth().adminUsers()).containsExactly("ops", "root");
    }

    @Test
    void environmentOverridesFileAndSetOverridesEnvironment() throws IOException {
        Path f = yaml("listeners:\n  tcp:\n    port: 1001\nmqtt:\n  maxQos: 0\n  receiveMaximum: 10\n");
        Map<String, String> env = Map.of(
                "FLEETMQ_LISTENERS_TCP_PORT", "1002",
                "FLEETMQ_MQTT_MAX_QOS", "1");

        BrokerConfig c = ConfigLoader.load(f, List.of("listeners.tcp.port=1003"), env);

        assertThat(c.listeners().tcp().port()).as("--set beats env and file").isEqualTo(1003);
        assertThat(c.mqtt().maxQos()).as("env beats file").isEqualTo(1);
        assertThat(c.mqtt().receiveMaximum()).as("file beats defaults").isEqualTo(10);
        assertThat(c.source()).isEqualTo(f.toString());
    }

    @Test
    void laterSetWinsOverEarlierSetOfTheSameKey() {
        BrokerConfig c = ConfigLoader.load(null, List.of("listeners.tcp.port=1", "listeners.tcp.port=2"), Map.of());

        assertThat(c.listeners().tcp().port()).isEqualTo(2);
    }

    @Test
    void multiWordKeysMapToUpperSnakeEnvironmentNames() {
        BrokerConfig c = ConfigLoader.load(null, List.of(), Map.of(
                "FLEETMQ_MQTT_MAX_PACKET_SIZE", "4096",
                "FLEETMQ_SESSIONS_QUEUE_QOS0_WHEN_OFFLINE", "true",
                "FLEETMQ_NODE_NAME", "n2"));

        assertThat(c.mqtt().maxPacketSize()).isEqualTo(4096);
        assertThat(c.sessions().queueQos0WhenOffline()).isTrue();
        assertThat(c.nodeName()).isEqualTo("n2");
    }

    @Test
    void launcherVariablesAndUnrelatedVariablesAreIgnored() {
        BrokerConfig c = ConfigLoader.load(null, List.of(), Map.of(
                "FLEETMQ_JAVA_OPTS", "-Xmx1g",
                "FLEETMQ_HOME", "/opt/fleetmq",
                "PATH", "/usr/bin",
                "fleetmq_lowercase", "x"));

        assertThat(c).isEqualTo(BrokerConfig.defaults());
    }

    @ParameterizedTest
    @CsvSource({"500ms, 500", "10s, 10000", "2m, 120000", "1h, 3600000", "7, 7000", "'15 s', 15000"})
    void durationsAcceptUnitsOrPlainSeconds(String raw, long millis) {
        BrokerConfig c = ConfigLoader.load(null, List.of("shutdown.gracePeriod=" + raw), Map.of());

        assertThat(c.shutdown().gracePeriod()).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void booleansAreCaseInsensitiveTrueOrFalse() {
        BrokerConfig c = ConfigLoader.load(null, List.of("auth.allowAnonymous=FALSE", "sys.enabled=False"), Map.of());

        assertThat(c.auth().allowAnonymous()).isFalse();
        assertThat(c.sys().enabled()).isFalse();
    }

    @Test
    void bindAcceptsLiteralAddressesAndResolvableNames() {
        for (String bind : List.of("0.0.0.0", "::", "::1", "localhost", "10.1.2.3")) {
            BrokerConfig c = ConfigLoader.load(null, List.of("listeners.tcp.bind=" + bind), Map.of());
            assertThat(c.listeners().tcp().bind()).isEqualTo(bind);
        }
    }

    @Test
    void quotedYamlNumbersAreAccepted() throws IOException {
        Path f = yaml("listeners:\n  tcp:\n    port: \"1884\"\n");

        assertThat(ConfigLoader.load(f, List.of(), Map.of()).listeners().tcp().port()).isEqualTo(1884);
    }
}
