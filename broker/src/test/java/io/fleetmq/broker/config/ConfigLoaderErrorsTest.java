package io.fleetmq.broker.config;

import org.assertj.core.api.AbstractStringAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Every way a configuration can be wrong, and the one line the operator sees for it. */
class ConfigLoaderErrorsTest {

    @TempDir
    Path dir;

    private Path yaml(String text) throws IOException {
        Path f = dir.resolve("fleetmq.yaml");
        Files.writeString(f, text);
        return f;
    }

    private static AbstractStringAssert<?> failure(Path file, List<String> sets, Map<String, String> env) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file, sets, env));
        assertThat(e).as("expected a ConfigException").isNotNull();
        assertThat(e.getMessage()).doesNotContain("\n").startsWith("config error: ");
        return assertThat(e.getMessage());
    }

    private static AbstractStringAssert<?> setFailure(String... sets) {
        return failure(null, List.of(sets), Map.of());
    }

    @Test
    void nonIntegerValueNamesKeyRangeValueAndOrigin() {
        setFailure("mqtt.maxPacketSize=abc").isEqualTo(
                "config error: mqtt.maxPacketSize: must be an integer between 16 and 268435460, got \"abc\" "
                        + "(from --set)");
    }

    @ParameterizedTest
    @CsvSource({
            "listeners.tcp.port=65536, 'listeners.tcp.port: must be between 0 and 65535, got \"65536\"'",
            "listeners.tcp.port=-1, 'listeners.tcp.port: must be between 0 and 65535'",
            "mqtt.maxPacketSize=15, 'mqtt.maxPacketSize: must be between 16 and 268435460'",
            "mqtt.maxPacketSize=268435461, 'mqtt.maxPacketSize: must be between 16 and 268435460'",
            "mqtt.receiveMaximum=0, 'mqtt.receiveMaximum: must be between 1 and 65535'",
            "mqtt.topicAliasMaximum=65536, 'mqtt.topicAliasMaximum: must be between 0 and 65535'",
            "mqtt.maxKeepAlive=0, 'mqtt.maxKeepAlive: must be between 1 and 65535'",
            "mqtt.maxQos=3, 'mqtt.maxQos: must be between 0 and 2'",
            "sessions.maxInflightMessages=0, 'sessions.maxInflightMessages: must be between 1 and 65535'",
            "sessions.maxQueuedMessages=10000001, 'sessions.maxQueuedMessages: must be between 0 and 10000000'",
            "transport.ioThreads=1025, 'transport.ioThreads: must be between 0 and 1024'",
            "sys.interval=500ms, 'sys.interval: must be between 1s and 24h, got \"500ms\"'",
    })
    void outOfRangeValuesAreRejectedWithTheRange(String set, String expected) {
        setFailure(set).contains(expected).endsWith("(from --set)");
    }

    @Test
    void outOfRangeFromEnvironmentNamesTheVariable() {
        failure(null, List.of(), Map.of("FLEETMQ_LISTENERS_TCP_PORT", "70000")).isEqualTo(
                "config error: listeners.tcp.port: must be between 0 and 65535, got \"70000\" "
                        + "(from FLEETMQ_LISTENERS_TCP_PORT)");
    }

    @Test
    void badValueInFileNamesFileAndLine() throws IOException {
        Path f = yaml("mqtt:\n  maxQos: 1\n  maxPacketSize: big\n");

        failure(f, List.of(), Map.of()).isEqualTo("config error: mqtt.maxPacketSize: must be an integer between 16 "
                + "and 268435460, got \"big\" (from " + f + " line 3)");
    }

    @ParameterizedTest
    @CsvSource({"10 seconds", "1d", "-5s", "1.5s", "ms", "''"})
    void malformedDurationsAreRejected(String raw) {
        setFailure("mqtt.connectTimeout=" + raw)
                .contains("mqtt.connectTimeout: must be a duration such as 500ms, 10s, 2m, 1h or a whole number "
                        + "of seconds");
    }

    @Test
    void booleanMustBeTrueOrFalse() {
        setFailure("auth.allowAnonymous=yes")
                .isEqualTo("config error: auth.allowAnonymous: must be true or false, got \"yes\" (from --set)");
    }

    @Test
    void unresolvableBindIsRejected() {
        setFailure("listeners.tcp.bind=no-such-host.invalid")
                .contains("listeners.tcp.bind: must be a literal IP address or a resolvable host name, "
                        + "got \"no-such-host.invalid\"");
    }

    @Test
    void nodeNameMustBeUsableInTopicsAndLogs() {
        setFailure("nodeName=a/b").contains("nodeName: must be 1-64 characters");
        setFailure("nodeName=").contains("nodeName: must be 1-64 characters");
    }

    @Test
    void unknownKeyInFileSuggestsTheClosestKey() throws IOException {
        Path f = yaml("listeners:\n  tcp:\n    prot: 1884\n");

        failure(f, List.of(), Map.of()).isEqualTo("config error: unknown key 'listeners.tcp.prot' in " + f
                + " line 3 (did you mean 'listeners.tcp.port'?)");
    }

    @Test
    void unknownSectionInFileSuggestsTheClosestSection() throws IOException {
        Path f = yaml("mqt:\n  maxQos: 1\n");

        failure(f, List.of(), Map.of()).contains("unknown key 'mqt'").contains("(did you mean 'mqtt'?)");
    }

    @Test
    void keyInTheWrongSectionSuggestsWhereItLives() {
        setFailure("mqtt.port=1884")
                .isEqualTo("config error: unknown key 'mqtt.port' in --set (did you mean 'listeners.tcp.port'?)");
    }

    @Test
    void unknownKeyWithNothingCloseHasNoSuggestion() {
        setFailure("completely.unrelated=1")
                .isEqualTo("config error: unknown key 'completely.unrelated' in --set");
    }

    @Test
    void setWithoutEqualsSignIsRejected() {
        setFailure("listeners.tcp.port")
                .isEqualTo("config error: --set \"listeners.tcp.port\": expected KEY=VALUE, "
                        + "e.g. --set listeners.tcp.port=1884");
        setFailure("=1884").contains("expected KEY=VALUE");
    }

    @Test
    void unknownFleetmqEnvironmentVariableIsAnErrorWithSuggestion() {
        failure(null, List.of(), Map.of("FLEETMQ_LISTENERS_TCP_PROT", "1884"))
                .startsWith("config error: unknown environment variable FLEETMQ_LISTENERS_TCP_PROT "
                        + "(did you mean FLEETMQ_LISTENERS_TCP_PORT?)")
                .contains("FLEETMQ_HOME, FLEETMQ_JAVA_OPTS");
    }

    @Test
    void yamlSyntaxErrorNamesFileAndLine() throws IOException {
        Path f = yaml("mqtt:\n  maxQos: 1\n  receiveMaximum: [1, 2\nsys:\n  enabled: true\n");

        failure(f, List.of(), Map.of()).startsWith("config error: YAML syntax error in " + f + " line ");
    }

    @Test
    void yamlSyntaxErrorReportsTheOffendingLine() throws IOException {
        Path f = yaml("nodeName: a\nmqtt:\n  maxQos: 1\n   receiveMaximum: 5\n");

        failure(f, List.of(), Map.of()).startsWith("config error: YAML syntax error in " + f + " line 4");
    }

    @Test
    void duplicateKeyIsRejectedWithBothLines() throws IOException {
        Path f = yaml("listeners:\n  tcp:\n    port: 1\n    port: 2\n");

        failure(f, List.of(), Map.of()).isEqualTo(
                "config error: duplicate key 'listeners.tcp.port' in " + f + " line 4 (first set on line 3)");
    }

    @Test
    void duplicateKeyAcrossDottedAndNestedFormsIsRejected() throws IOException {
        Path f = yaml("mqtt:\n  maxQos: 1\nmqtt.maxQos: 2\n");

        failure(f, List.of(), Map.of()).contains("duplicate key 'mqtt.maxQos'");
    }

    @Test
    void duplicateSectionIsRejected() throws IOException {
        Path f = yaml("mqtt:\n  maxQos: 1\nmqtt:\n  receiveMaximum: 2\n");

        failure(f, List.of(), Map.of()).contains("duplicate key 'mqtt'").contains("line 3 (first set on line 1)");
    }

    @Test
    void keyWithoutValueIsRejectedRatherThanDefaulted() throws IOException {
        Path f = yaml("listeners:\n  tcp:\n    port:\n");

        failure(f, List.of(), Map.of()).contains("listeners.tcp.port: has no value (from " + f + " line 3)");
    }

    @Test
    void sectionGivenAValueIsRejected() throws IOException {
        Path f = yaml("mqtt: 5\n");

        failure(f, List.of(), Map.of()).contains("mqtt: must be a mapping of keys");
    }

    @Test
    void listWhereAValueBelongsIsRejected() throws IOException {
        Path f = yaml("mqtt:\n  maxQos: [1, 2]\n");

        failure(f, List.of(), Map.of()).contains("mqtt.maxQos: must be a single value");
    }

    @Test
    void topLevelThatIsNotAMappingIsRejected() throws IOException {
        Path f = yaml("- a\n- b\n");

        failure(f, List.of(), Map.of()).contains("top level of " + f + " must be a mapping");
    }

    @Test
    void missingFileIsNamed() {
        Path f = dir.resolve("nope.yaml");

        failure(f, List.of(), Map.of()).isEqualTo("config error: cannot read " + f + ": no such file");
    }

    @Test
    void yamlTagsCannotInstantiateJavaObjects() throws IOException {
        Path f = yaml("nodeName: !!javax.script.ScriptEngineManager [x]\n");

        failure(f, List.of(), Map.of()).contains(f + " line 1").contains("Global tag is not allowed");
    }

    @Test
    void anEnumKeyNamesItsChoices() {
        setFailure("listeners.tls.clientAuth=sometimes")
                .isEqualTo("config error: listeners.tls.clientAuth: must be one of none, optional, required, "
                        + "got \"sometimes\" (from --set)");
    }
}
