package io.fleetmq.image.manifest;

import io.fleetmq.image.TestPaths;
import io.fleetmq.image.manifest.RoleSpec.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManifestParserTest {

    private static final Path FILE = Path.of("m.yaml");

    static final String GOOD = """
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
                modules: [java.base, jdk.unsupported]
            roles:
              - name: fleetmq_broker
                vars:
                  fleetmq_broker_tcp_port: 1884
                  fleetmq_broker_node_name: edge-1
            targets:
              container:
                repository: fleetmq/broker
                tags: [0.1.0, latest]
                creationTime: "2026-11-01T00:00:00Z"
                labels:
                  team: fleet
              ami:
                name: fleetmq-broker-node
                template: broker-node
                region: eu-west-1
                instanceType: c7g.large
                sourceAmi:
                  nameFilter: debian-12-arm64-*
                  owners: ["136693071363"]
            """;

    private static ImageManifest parse(String text) {
        return ManifestParser.parse(FILE, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsEveryPartOfAManifestIntoSpecs() {
        ImageManifest m = parse(GOOD);
        assertThat(m.name()).isEqualTo("fleetmq-broker");
        assertThat(m.version()).isEqualTo("0.1.0");
        assertThat(m.containerBase()).isEqualTo(new BaseSpec.Debootstrap("bookworm", "minbase", "http://deb.debian.org/debian", List.of()));
        assertThat(m.containerRuntime()).isEqualTo(new RuntimeSpec.Jlink(List.of("java.base", "jdk.unsupported"),
                "/opt/java"));
        assertThat(m.roles()).singleElement().satisfies(r -> {
            assertThat(r.name()).isEqualTo("fleetmq_broker");
            assertThat(r.vars()).containsEntry("fleetmq_broker_tcp_port", 1884L)
                    .containsEntry("fleetmq_broker_node_name", "edge-1");
            assertThat(r.appliesTo(Target.CONTAINER)).isTrue();
            assertThat(r.appliesTo(Target.AMI)).isTrue();
        });
        ContainerTarget c = m.container().orElseThrow();
        assertThat(c.repository()).isEqualTo("fleetmq/broker");
        assertThat(c.tags()).containsExactly("0.1.0", "latest");
        assertThat(c.platforms()).containsExactly(new ContainerTarget.Platform("linux", "amd64"));
        assertThat(c.creationTime()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
        assertThat(c.labels()).containsEntry("team", "fleet");
        AmiTarget a = m.ami().orElseThrow();
        assertThat(a.region()).isEqualTo("eu-west-1");
        assertThat(a.sourceAmiOwners()).containsExactly("136693071363");
        assertThat(a.ssmParameter()).isEqualTo("/fleetmq/{env}/ami/fleetmq-broker-node");
        assertThat(m.sha256()).hasSize(64);
        assertThat(m.lineOf("roles[0].vars.fleetmq_broker_tcp_port")).isEqualTo(15);
    }

    @Test
    void specsAreImmutable() {
        ImageManifest m = parse(GOOD);
        assertThatThrownBy(() -> m.roles().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> m.roles().get(0).vars().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> m.container().orElseThrow().tags().add("x"))
                .isInstanceOf(UnsupportedOperationException.class);
        ImageManifest withList = parse(GOOD.replace("      fleetmq_broker_node_name: edge-1\n",
                "      fleetmq_broker_node_name: edge-1\n      fleetmq_broker_java_opts: [-Xmx1g]\n"));
        @SuppressWarnings("unchecked")
        List<Object> opts = (List<Object>) withList.roles().get(0).vars().get("fleetmq_broker_java_opts");
        assertThat(opts).containsExactly("-Xmx1g");
        assertThatThrownBy(() -> opts.add("-Xms1g")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void theExampleManifestsParse() {
        for (String name : List.of("broker.yaml", "broker-production.yaml", "broker-node-ami.yaml")) {
            ImageManifest m = ManifestParser.read(TestPaths.manifests().resolve(name));
            assertThat(m.roles()).as(name).isNotEmpty();
        }
    }

    /** Each bad manifest: the line to replace, its replacement, then the expected line, key and message part. */
    @ParameterizedTest(name = "{3}: {4}")
    @CsvSource(delimiter = '|', textBlock = """
            kind: ImageManifest               | kind: Image                         | 2  | kind                                   | must be ImageManifest
            apiVersion: fleetmq.io/v1alpha1   | apiVersion: fleetmq.io/v2           | 1  | apiVersion                             | must be fleetmq.io/v1alpha1
            version: 0.1.0                    | version: 0.1.0\\nvresion: 1         | 5  | vresion                                | unknown key (did you mean 'version'?)
            name: fleetmq-broker              | name: 42                            | 3  | name                                   | must be a string, got integer "42"
            name: fleetmq-broker              | name: Fleet MQ                      | 3  | name                                   | must be lower-case letters
            suite: bookworm                   | suite: [bookworm]                   | 8  | base.rootfs.debootstrap.suite          | must be a string, got a list
            suite: bookworm                   | suite: bookworm\\n      variant: big | 9  | base.rootfs.debootstrap.variant        | must be minbase, buildd or fakechroot
            modules: [java.base, jdk.unsupported] | modules: []                     | 11 | runtime.jlink.modules                  | needs at least one module
            modules: [java.base, jdk.unsupported] | modules: [java.base, 'not a module'] | 11 | runtime.jlink.modules[1]          | not a Java module name
            - name: fleetmq_broker            | - name: FleetMQ                     | 13 | roles[0].name                          | must be an Ansible role name
            tags: [0.1.0, latest]             | tags: [0.1.0, 'bad tag']            | 20 | targets.container.tags[1]              | not a valid image tag
            tags: [0.1.0, latest]             | tags: 0.1.0                         | 20 | targets.container.tags                 | must be a list, got string "0.1.0"
            creationTime: "2026-11-01T00:00:00Z" | creationTime: yesterday          | 21 | targets.container.creationTime         | must be an ISO-8601 instant
            repository: fleetmq/broker        | repository: Fleetmq/Broker          | 19 | targets.container.repository           | must be a repository
            region: eu-west-1                 | region: Ireland                     | 27 | targets.ami.region                     | must be an AWS region
            instanceType: c7g.large           | instanceType: 4                     | 28 | targets.ami.instanceType               | must be a string, got integer "4"
            owners: ["136693071363"]          | owners: []                          | 31 | targets.ami.sourceAmi.owners           | needs at least one owner
            """)
    void aBadValueIsReportedAtItsLineWithItsKey(String find, String replace, int line, String key, String message) {
        String text = GOOD.replace(find.strip(), replace.strip().replace("\\n", "\n"));
        assertThat(text).as("test fixture must change").isNotEqualTo(GOOD);
        assertThatThrownBy(() -> parse(text))
                .isInstanceOfSatisfying(ManifestException.class, e -> {
                    assertThat(e.getMessage()).startsWith("m.yaml:" + line + ": " + key + ": ").contains(message);
                    assertThat(e.getMessage()).doesNotContain("\n");
                });
    }

    @Test
    void aMissingRequiredKeyNamesItsParentLine() {
        String text = GOOD.replace("    repository: fleetmq/broker\n", "");
        assertThatThrownBy(() -> parse(text)).hasMessage("m.yaml:18: targets.container.repository: is required");
    }

    @Test
    void baseNeedsExactlyOneKind() {
        String text = GOOD.replace("base:\n", "base:\n  dockerTar: base.tar\n");
        assertThatThrownBy(() -> parse(text))
                .hasMessage("m.yaml:5: base: needs exactly one of image, dockerTar, rootfs; got dockerTar, rootfs");
    }

    @Test
    void aRegistryBaseMustBePinnedByDigest() {
        String text = GOOD.replace("  rootfs:\n    debootstrap:\n      suite: bookworm\n",
                "  image: eclipse-temurin:17-jre\n");
        assertThatThrownBy(() -> parse(text)).hasMessageStartingWith("m.yaml:6: base.image: must be pinned by digest");
    }

    @Test
    void aRoleListedTwiceIsRefused() {
        String text = GOOD.replace("targets:\n  container:", "  - name: fleetmq_broker\ntargets:\n  container:");
        assertThatThrownBy(() -> parse(text))
                .hasMessage("m.yaml:17: roles[1].name: role fleetmq_broker is listed twice");
    }

    @Test
    void aRoleTargetMustBeContainerOrAmi() {
        String text = GOOD.replace("    vars:\n", "    targets: [container, vm]\n    vars:\n");
        assertThatThrownBy(() -> parse(text))
                .hasMessage("m.yaml:14: roles[0].targets[1]: must be container or ami, got \"vm\"");
    }

    @Test
    void yamlSyntaxErrorsPointAtTheLine() {
        String text = GOOD.replace("name: fleetmq-broker\n", "name: fleetmq-broker\n  bad: indent: here\n");
        assertThatThrownBy(() -> parse(text)).isInstanceOf(ManifestException.class)
                .hasMessageStartingWith("m.yaml:4: (yaml): YAML syntax error");
    }

    @Test
    void duplicateKeysAreRefused() {
        String text = GOOD.replace("version: 0.1.0\n", "version: 0.1.0\nversion: 0.2.0\n");
        assertThatThrownBy(() -> parse(text)).isInstanceOf(ManifestException.class)
                .hasMessage("m.yaml:5: version: duplicate key version (first on line 4)");
    }

    @Test
    void aMissingFileIsOneLine() {
        assertThatThrownBy(() -> ManifestParser.read(Path.of("no/such/manifest.yaml")))
                .hasMessage("no/such/manifest.yaml:0: (file): no such file");
    }

    @Test
    void anEmptyManifestIsRefused() {
        assertThatThrownBy(() -> parse("# nothing\n")).hasMessage("m.yaml:1: (document): empty manifest");
    }
}
