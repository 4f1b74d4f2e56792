package io.fleetmq.image.ami;

import io.fleetmq.image.Processes;
import io.fleetmq.image.TestPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every archive a role downloads is pinned by a SHA-256: each download task names a checksum, every pinned checksum is
 * 64 hex digits, no manifest blanks one out, and Ansible itself stops the node exporter's archive install before any
 * download when its checksum is empty, and resolves the pinned one for both architectures.
 */
class ArchiveChecksumsTest {

    private static final String SHA256 = "[0-9a-f]{64}";

    @TempDir
    Path tmp;

    @Test
    void everyDownloadTaskOfEveryRoleNamesAChecksum() throws Exception {
        List<String> downloads = new ArrayList<>();
        for (Path tasks : yamlFiles(TestPaths.roles(), "tasks")) {
            List<Map<String, Object>> list = new Yaml().load(Files.readString(tasks));
            for (Map<String, Object> task : list == null ? List.<Map<String, Object>>of() : list) {
                for (String module : List.of("ansible.builtin.get_url", "get_url")) {
                    if (task.get(module) instanceof Map<?, ?> args) {
                        downloads.add(tasks + ": " + task.get("name"));
                        assertThat(String.valueOf(args.get("checksum"))).as(tasks + ": " + task.get("name"))
                                .startsWith("sha256:{{");
                    }
                }
            }
        }
        assertThat(downloads).as("the node exporter's archive is a download").isNotEmpty();
    }

    @Test
    void everyPinnedChecksumIsASha256AndNoManifestBlanksOneOut() throws Exception {
        for (Path defaults : yamlFiles(TestPaths.roles(), "defaults")) {
            Map<String, Object> vars = new Yaml().load(Files.readString(defaults));
            vars.forEach((name, value) -> {
                if (name.endsWith("_sha256s")) {
                    assertThat((Map<?, ?>) value).as(defaults + ": " + name).isNotEmpty();
                    ((Map<?, ?>) value).forEach((key, sha) -> assertThat(String.valueOf(sha))
                            .as(defaults + ": " + name + "[" + key + "]").matches(SHA256));
                } else if (name.endsWith("_sha256")) {
                    assertThat(String.valueOf(value)).as(defaults + ": " + name + " is empty").isNotBlank();
                }
            });
        }
        try (Stream<Path> manifests = Files.list(TestPaths.manifests())) {
            for (Path manifest : manifests.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                Map<String, Object> m = new Yaml().load(Files.readString(manifest));
                for (Object role : (List<?>) m.get("roles")) {
                    Object vars = ((Map<?, ?>) role).get("vars");
                    if (vars instanceof Map<?, ?> map) {
                        map.forEach((name, value) -> {
                            if (String.valueOf(name).endsWith("_sha256")) {
                                assertThat(String.valueOf(value)).as(manifest + ": " + name).matches(SHA256);
                            }
                        });
                    }
                }
            }
        }
    }

    @Test
    void ansibleStopsTheArchiveInstallBeforeDownloadingWhenTheChecksumIsEmpty() throws Exception {
        Processes.assumeTools("run the role's checksum assertion", "ansible-playbook");
        Processes.Result r = play("""
                - hosts: localhost
                  gather_facts: false
                  vars:
                    ansible_facts: {architecture: x86_64, distribution: Amazon}
                  tasks:
                    - ansible.builtin.include_role:
                        name: fleetmq_node_exporter
                        tasks_from: install-archive.yml
                      vars:
                        fleetmq_node_exporter_archive_sha256: ""
                """);
        assertThat(r.exitCode()).as(r.output()).isNotZero();
        assertThat(r.output()).contains("fleetmq_node_exporter_archive_sha256 is not a SHA-256")
                .contains("1.8.2-amd64").doesNotContain("Download the node exporter release");
    }

    @Test
    void ansibleResolvesThePinnedChecksumForBothArchitectures() throws Exception {
        Processes.assumeTools("resolve the role's checksum", "ansible-playbook");
        for (String[] arch : List.of(
                new String[] {"x86_64", "6809dd0b3ec45fd6e992c19071d6b5253aed3ead7bf0686885a51d85c6643c66"},
                new String[] {"aarch64", "627382b9723c642411c33f48861134ebe893e70a63bcc8b3fc0619cd0bfac4be"})) {
            Processes.Result r = play("""
                    - hosts: localhost
                      gather_facts: false
                      vars:
                        ansible_facts: {architecture: %s}
                      tasks:
                        - ansible.builtin.include_vars: %s
                        - ansible.builtin.debug:
                            msg: "sha={{ fleetmq_node_exporter_archive_sha256 }}"
                    """.formatted(arch[0], TestPaths.roles().resolve("fleetmq_node_exporter/defaults/main.yml")));
            assertThat(r.exitCode()).as(r.output()).isZero();
            assertThat(r.output()).contains("sha=" + arch[1]);
        }
    }

    private Processes.Result play(String playbook) throws Exception {
        Path file = Files.writeString(tmp.resolve("play.yml"), playbook);
        return Processes.run(tmp, 120, "env", "ANSIBLE_ROLES_PATH=" + TestPaths.roles(), "ANSIBLE_NOCOLOR=1",
                "ANSIBLE_LOCAL_TEMP=" + tmp.resolve("ansible-tmp"), "ansible-playbook", "-i", "localhost,", "-c",
                "local", file.toString());
    }

    private static List<Path> yamlFiles(Path roles, String folder) throws Exception {
        try (Stream<Path> walk = Files.walk(roles)) {
            return walk.filter(p -> p.getParent().getFileName().toString().equals(folder))
                    .filter(p -> p.toString().endsWith(".yml")).sorted().toList();
        }
    }
}
