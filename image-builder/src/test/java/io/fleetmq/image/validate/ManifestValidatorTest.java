package io.fleetmq.image.validate;

import io.fleetmq.broker.config.BrokerConfig;
import io.fleetmq.broker.config.ConfigLoader;
import io.fleetmq.broker.config.ConfigSchema;
import io.fleetmq.image.TestPaths;
import io.fleetmq.image.manifest.ImageManifest;
import io.fleetmq.image.manifest.ManifestException;
import io.fleetmq.image.manifest.ManifestParser;
import io.fleetmq.image.roles.RenderedFile;
import io.fleetmq.image.roles.RoleLibrary;
import io.fleetmq.image.roles.RoleRenderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManifestValidatorTest {

    private static final String MANIFEST = """
            apiVersion: fleetmq.io/v1alpha1
            kind: ImageManifest
            name: fleetmq-broker
            version: 0.1.0
            base:
              rootfs:
                debootstrap:
                  suite: bookworm
            runtime:
              jlink:
                modules: [java.base]
            roles:
              - name: fleetmq_broker
                vars:
                  fleetmq_broker_node_name: edge-7
                  fleetmq_broker_tcp_port: 1884
            targets:
              container:
                repository: fleetmq/broker
            """;

    @TempDir
    Path tmp;

    private ValidatedManifest validate(String text, Path roles) {
        ImageManifest m = ManifestParser.parse(Path.of("m.yaml"), text.getBytes(StandardCharsets.UTF_8));
        return new ManifestValidator(new RoleLibrary(roles), new RoleRenderer()).validate(m);
    }

    private ValidatedManifest validate(String text) {
        return validate(text, TestPaths.roles());
    }

    @Test
    void theBrokerRoleRendersTheManifestsValuesIntoTheConfigurationTheBrokerLoads() throws IOException {
        ValidatedManifest v = validate(MANIFEST);
        RenderedFile config = v.containerFiles().stream().filter(f -> f.path().equals("/etc/fleetmq/fleetmq.yaml"))
                .findFirst().orElseThrow();
        assertThat(config.mode()).isEqualTo(0644);
        Path file = tmp.resolve("fleetmq.yaml");
        Files.write(file, config.content());
        BrokerConfig loaded = ConfigLoader.load(file, List.of(), Map.of());
        assertThat(loaded.nodeName()).isEqualTo("edge-7");
        assertThat(loaded.listeners().tcp().port()).isEqualTo(1884);
        assertThat(loaded.listeners().tcp().bind()).isEqualTo("0.0.0.0");
        assertThat(v.brokerVars()).containsEntry("fleetmq_broker_config_file", "/etc/fleetmq/fleetmq.yaml");
    }

    @Test
    void theRoleDefaultsAreTheBrokerDefaultsExceptWhereAContainerMustDiffer() throws IOException {
        String noVars = MANIFEST.replace("""
                    vars:
                      fleetmq_broker_node_name: edge-7
                      fleetmq_broker_tcp_port: 1884
                """, "");
        RenderedFile config = validate(noVars).containerFiles().get(0);
        Path file = tmp.resolve("fleetmq.yaml");
        Files.write(file, config.content());
        Map<String, Object> rendered = ConfigSchema.valuesOf(ConfigLoader.load(file, List.of(), Map.of()));
        Map<String, Object> defaults = ConfigSchema.valuesOf(BrokerConfig.defaults());
        assertThat(rendered).containsKeys(defaults.keySet().toArray(String[]::new));
        defaults.forEach((key, value) -> {
            if (key.equals("listeners.tcp.bind")) {
                // A container's listener must be reachable from outside it; the broker's own default is loopback.
                assertThat(rendered.get(key)).isEqualTo("0.0.0.0");
            } else {
                assertThat(rendered.get(key)).as(key).isEqualTo(value);
            }
        });
    }

    @Test
    void aMissingRoleIsReportedAtItsNameWithASuggestion() {
        assertThatThrownBy(() -> validate(MANIFEST.replace("- name: fleetmq_broker", "- name: fleetmq_brokr")))
                .isInstanceOf(ManifestException.class)
                .hasMessageStartingWith("m.yaml:13: roles[0].name: no role fleetmq_brokr in ")
                .hasMessageEndingWith("(did you mean 'fleetmq_broker'?)");
    }

    @Test
    void anUnknownVariableIsReportedAtItsLineWithASuggestion() {
        assertThatThrownBy(() -> validate(MANIFEST.replace("fleetmq_broker_tcp_port:", "fleetmq_broker_tcp_prot:")))
                .hasMessage("m.yaml:16: roles[0].vars.fleetmq_broker_tcp_prot: role fleetmq_broker has no variable "
                        + "fleetmq_broker_tcp_prot (did you mean 'fleetmq_broker_tcp_port'?) (variables are declared in its defaults/main.yml)");
    }

    @Test
    void aVariableOfTheWrongTypeIsReportedAtItsLine() {
        assertThatThrownBy(() -> validate(MANIFEST.replace("fleetmq_broker_tcp_port: 1884",
                "fleetmq_broker_tcp_port: \"1884\"")))
                .hasMessage("m.yaml:16: roles[0].vars.fleetmq_broker_tcp_port: must be an integer like the role default (1883), got a string (1884)");
        assertThatThrownBy(() -> validate(MANIFEST.replace("fleetmq_broker_node_name: edge-7",
                "fleetmq_broker_node_name: [a, b]")))
                .hasMessageStartingWith("m.yaml:15: roles[0].vars.fleetmq_broker_node_name: must be a string like the role default");
    }

    @Test
    void aValueTheBrokerWouldRefuseIsCaughtBeforeBuilding() {
        assertThatThrownBy(() -> validate(MANIFEST.replace("fleetmq_broker_tcp_port: 1884",
                "fleetmq_broker_tcp_port: 70000")))
                .isInstanceOf(ManifestException.class)
                .hasMessageStartingWith("m.yaml:14: roles[0].vars: rendered ")
                .hasMessageContaining("listeners.tcp.port: must be between 0 and 65535");
    }

    @Test
    void aMissingTemplateIsReportedAtTheTaskThatNeedsIt() throws IOException {
        Path roles = copyRoles();
        Files.delete(roles.resolve("fleetmq_broker/templates/fleetmq.yaml.j2"));
        assertThatThrownBy(() -> validate(MANIFEST, roles))
                .isInstanceOfSatisfying(ManifestException.class, e -> {
                    assertThat(e.file()).endsWith("fleetmq_broker/tasks/configure.yml");
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.key()).isEqualTo("src");
                    assertThat(e.problem()).startsWith("template fleetmq.yaml.j2 not found in ");
                });
    }

    @Test
    void aTemplateUsingAnUndefinedVariableIsReportedAtItsLine() throws IOException {
        Path roles = copyRoles();
        Path template = roles.resolve("fleetmq_broker/templates/fleetmq.yaml.j2");
        Files.writeString(template, "nodeName: x\nmqtt:\n  maxQos: {{ fleetmq_broker_max_qos_typo }}\n");
        assertThatThrownBy(() -> validate(MANIFEST, roles))
                .isInstanceOfSatisfying(ManifestException.class, e -> {
                    assertThat(e.file()).endsWith("fleetmq_broker/templates/fleetmq.yaml.j2");
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.getMessage()).contains("fleetmq_broker_max_qos_typo");
                });
    }

    @Test
    void aTemplateOwnedByAUserTheImageDoesNotHaveIsRefused() throws IOException {
        Path roles = copyRoles();
        Path tasks = roles.resolve("fleetmq_broker/tasks/configure.yml");
        Files.writeString(tasks, Files.readString(tasks).replace("owner: root", "owner: www-data"));
        assertThatThrownBy(() -> validate(MANIFEST, roles))
                .hasMessageStartingWith("m.yaml:14: roles[0].vars: ")
                .hasMessageContaining("owned by www-data; in an image the owner must be root, fleetmq or a number");
    }

    @Test
    void aContainerTargetNeedsTheBrokerRole() throws IOException {
        Path roles = copyRoles();
        Path other = Files.createDirectories(roles.resolve("other_role/tasks"));
        Files.writeString(other.resolve("main.yml"),
                "---\n- name: Nothing to do\n  ansible.builtin.debug:\n    msg: hi\n");
        assertThatThrownBy(() -> validate(MANIFEST.replace("- name: fleetmq_broker\n    vars:\n      fleetmq_broker_node_name: edge-7\n      fleetmq_broker_tcp_port: 1884\n",
                "- name: other_role\n"), roles))
                .hasMessageStartingWith("m.yaml:12: roles: a container target needs the fleetmq_broker role");
    }

    @Test
    void anAmiOnlyManifestIsValidatedWithoutContainerFiles() {
        ValidatedManifest v = validate("""
                apiVersion: fleetmq.io/v1alpha1
                kind: ImageManifest
                name: node
                version: 1.0.0
                roles:
                  - name: fleetmq_broker
                targets:
                  ami:
                    name: node
                    template: broker-node
                    region: eu-west-1
                    instanceType: c7g.large
                    sourceAmi: {nameFilter: "debian-12-*", owners: [amazon]}
                """);
        assertThat(v.containerFiles()).isEmpty();
        assertThat(v.roleVars().get("fleetmq_broker")).containsEntry("fleetmq_broker_uid", 10001L);
    }

    @Test
    void theExampleManifestsAreValid() {
        for (String name : List.of("broker.yaml", "broker-production.yaml", "broker-node-ami.yaml")) {
            ImageManifest m = ManifestParser.read(TestPaths.manifests().resolve(name));
            ValidatedManifest v = new ManifestValidator(new RoleLibrary(TestPaths.roles()), new RoleRenderer())
                    .validate(m);
            assertThat(v.roleVars()).as(name).containsKey("fleetmq_broker");
        }
    }

    private Path copyRoles() throws IOException {
        Path target = tmp.resolve("roles");
        Path source = TestPaths.roles();
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path p : walk.toList()) {
                Path dest = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        }
        return target;
    }
}
