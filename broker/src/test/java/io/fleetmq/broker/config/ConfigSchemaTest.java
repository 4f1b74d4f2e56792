package io.fleetmq.broker.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigSchemaTest {

    @Test
    void keysMirrorTheRecordsExactly() {
        assertThat(ConfigSchema.keys()).extracting(ConfigSchema.Key::name).containsExactly(
                "nodeName",
                "listeners.tcp.enabled", "listeners.tcp.bind", "listeners.tcp.port", "listeners.tcp.proxyProtocol",
                "listeners.tcp.proxyProtocolTrustedNetworks", "listeners.tcp.maxConnections",
                "listeners.tls.enabled", "listeners.tls.bind", "listeners.tls.port", "listeners.tls.proxyProtocol",
                "listeners.tls.proxyProtocolTrustedNetworks", "listeners.tls.maxConnections",
                "listeners.tls.clientAuth",
                "listeners.ws.enabled", "listeners.ws.bind", "listeners.ws.port", "listeners.ws.proxyProtocol",
                "listeners.ws.proxyProtocolTrustedNetworks", "listeners.ws.maxConnections",
                "listeners.wss.enabled", "listeners.wss.bind", "listeners.wss.port", "listeners.wss.proxyProtocol",
                "listeners.wss.proxyProtocolTrustedNetworks", "listeners.wss.maxConnections",
                "listeners.wss.clientAuth",
                "tls.certFile", "tls.keyFile", "tls.caFile", "tls.protocols", "tls.ciphers", "tls.reloadInterval",
                "mqtt.maxPacketSize", "mqtt.receiveMaximum", "mqtt.topicAliasMaximum", "mqtt.maxKeepAlive",
                "mqtt.maxQos", "mqtt.retainAvailable", "mqtt.wildcardSubscriptionAvailable",
                "mqtt.sharedSubscriptionAvailable", "mqtt.subscriptionIdentifiersAvailable",
                "mqtt.maxClientIdLength", "mqtt.connectTimeout",
                "sessions.maxExpiryInterval", "sessions.maxInflightMessages", "sessions.maxQueuedMessages",
                "sessions.queueQos0WhenOffline",
                "auth.allowAnonymous", "auth.passwordFile", "auth.jwksFile", "auth.jwtAudience",
                "auth.jwtPermissionsClaim", "auth.certificateIdentity", "auth.certificateMustMatchClientId",
                "auth.clientIdBinding", "auth.aclFile", "auth.adminUsers", "auth.reloadInterval", "auth.failedLoginsPerMinute",
                "limits.maxConnections", "limits.connectionRate", "limits.publishRate",
                "limits.maxSubscriptionsPerClient", "limits.maxTopicLength", "limits.maxTopicLevels",
                "limits.maxOutboundBytesPerClient", "limits.slowConsumerTimeout", "limits.maxRetainedMessages",
                "limits.maxRetainedBytes", "limits.maxRetainedMessagesPerClient", "limits.maxRetainedBytesPerClient",
                "limits.maxOfflineSessionsPerPrincipal",
                "sys.enabled", "sys.interval",
                "shutdown.gracePeriod",
                "transport.nativeEpoll", "transport.ioThreads",
                "cluster.enabled", "cluster.name", "cluster.bind", "cluster.port", "cluster.secretFile",
                "cluster.seeds", "cluster.dnsQuery",
                "cluster.nodeLossTimeout", "cluster.takeoverTimeout", "cluster.drainRate", "cluster.drainTimeout",
                "http.enabled", "http.bind", "http.port", "http.adminToken",
                "log.format");
    }

    @Test
    void buildingFromTheDefaultValuesGivesTheRecordDefaults() {
        BrokerConfig defaults = BrokerConfig.defaults();

        assertThat(ConfigSchema.build(ConfigSchema.valuesOf(defaults), "defaults")).isEqualTo(defaults);
    }

    @Test
    void everyKeyReachesItsFieldInTheTypedConfig() {
        for (ConfigSchema.Key key : ConfigSchema.keys()) {
            Object other = otherValue(key);
            Map<String, Object> values = new LinkedHashMap<>(ConfigSchema.valuesOf(BrokerConfig.defaults()));
            values.put(key.name(), other);

            BrokerConfig c = ConfigSchema.build(values, "test");

            assertThat(key.getter().apply(c)).as(key.name()).isEqualTo(other);
            // and only that field moved
            values.forEach((name, v) -> assertThat(ConfigSchema.key(name).orElseThrow().getter().apply(c))
                    .as(name).isEqualTo(v));
        }
    }

    @Test
    void everyDefaultPassesItsOwnValidation() {
        for (ConfigSchema.Key key : ConfigSchema.keys()) {
            assertThat(key.parse(key.format(key.defaultValue()))).as(key.name()).isEqualTo(key.defaultValue());
        }
    }

    @Test
    void environmentNamesAreUpperSnakeOfTheDottedKey() {
        assertThat(ConfigSchema.key("listeners.tcp.port").orElseThrow().envName())
                .isEqualTo("FLEETMQ_LISTENERS_TCP_PORT");
        assertThat(ConfigSchema.key("mqtt.maxPacketSize").orElseThrow().envName())
                .isEqualTo("FLEETMQ_MQTT_MAX_PACKET_SIZE");
        assertThat(ConfigSchema.key("nodeName").orElseThrow().envName()).isEqualTo("FLEETMQ_NODE_NAME");
        assertThat(ConfigSchema.key("sessions.queueQos0WhenOffline").orElseThrow().envName())
                .isEqualTo("FLEETMQ_SESSIONS_QUEUE_QOS0_WHEN_OFFLINE");
    }

    @Test
    void launcherVariablesNeverCollideWithKeys() {
        for (String v : ConfigSchema.LAUNCHER_ENV) {
            assertThat(ConfigSchema.keyForEnv(v)).as(v).isEmpty();
        }
    }

    @Test
    void durationsPrintInTheirShortestExactUnit() {
        assertThat(List.of(Duration.ofMillis(500), Duration.ofSeconds(10), Duration.ofMinutes(2), Duration.ofHours(1),
                Duration.ofSeconds(90), Duration.ZERO))
                .extracting(ConfigSchema::formatDuration)
                .containsExactly("500ms", "10s", "2m", "1h", "90s", "0s");
    }

    private static Object otherValue(ConfigSchema.Key key) {
        Object d = key.defaultValue();
        switch (key.type()) {
            case BOOLEAN:
                return !(Boolean) d;
            case INT:
                return (Integer) d == key.max() ? (int) key.min() : (Integer) d + 1;
            case LONG:
                return (Long) d + 1;
            case DURATION:
                return ((Duration) d).plusMillis(1);
            case HOST:
                return "0.0.0.0";
            case HOST_PORT_LIST:
                return java.util.List.of("10.0.0.1:7800", "10.0.0.2:7800");
            case PATH:
                return d + "/etc/fleetmq/x.pem";
            case ENUM:
                return key.choices().get((key.choices().indexOf(d) + 1) % key.choices().size());
            case LIST:
                return List.of("a", "b");
            case CIDR_LIST:
                return List.of("10.0.0.0/16", "fd00::/8");
            default:
                return d + "x";
        }
    }
}
