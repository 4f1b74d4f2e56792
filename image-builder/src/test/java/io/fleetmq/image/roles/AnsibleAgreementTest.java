package io.fleetmq.image.roles;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetmq.image.Processes;
import io.fleetmq.image.TestPaths;
import io.fleetmq.image.manifest.ManifestParser;
import io.fleetmq.image.validate.ManifestValidator;
import io.fleetmq.image.validate.ValidatedManifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The container and the AMI must get the same configuration from the same files: Ansible's own template module,
 * given the role's defaults and the manifest's variables, writes byte for byte what the image builder renders in
 * Java, and the role is one ansible-playbook accepts.
 */
class AnsibleAgreementTest {

    @TempDir
    Path tmp;

    @Test
    void ansibleRendersTheBrokerConfigurationByteForByteAsTheImageBuilder() throws Exception {
        Processes.assumeTools("render the role's template with Ansible itself", "ansible");
        for (String name : new String[] {"broker.yaml", "broker-production.yaml"}) {
            ValidatedManifest v = new ManifestValidator(new RoleLibrary(TestPaths.roles()), new RoleRenderer())
                    .validate(ManifestParser.read(TestPaths.manifests().resolve(name)));
            RenderedFile rendered = v.containerFiles().stream().filter(f -> f.path()
                    .equals("/etc/fleetmq/fleetmq.yaml")).findFirst().orElseThrow();
            Path vars = tmp.resolve(name + ".vars.json");
            new ObjectMapper().writeValue(vars.toFile(), v.manifest().roles().get(0).vars());
            Path out = tmp.resolve(name + ".rendered");
            Path role = TestPaths.roles().resolve("fleetmq_broker");
            Processes.ok(120, "ansible", "localhost", "-c", "local", "-i", "localhost,", "-m",
                    "ansible.builtin.template",
                    "-a", "src=" + role.resolve("templates/fleetmq.yaml.j2") + " dest=" + out,
                    "-e", "@" + role.resolve("defaults/main.yml"), "-e", "@" + vars);
            assertThat(Files.readString(out)).as(name).isEqualTo(new String(rendered.content(),
                    StandardCharsets.UTF_8));
        }
    }

    @Test
    void ansiblePlaybookAcceptsTheRole() throws Exception {
        Processes.assumeTools("check the role with ansible-playbook", "ansible-playbook");
        Path playbook = tmp.resolve("site.yml");
        Files.writeString(playbook, """
                ---
                - name: FleetMQ broker node
                  hosts: all
                  roles:
                    - fleetmq_broker
                """);
        Processes.Result r = Processes.run(tmp, 120, "env", "ANSIBLE_ROLES_PATH=" + TestPaths.roles(),
                "ansible-playbook", "--syntax-check", "-i", "localhost,", playbook.toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        Processes.Result tasks = Processes.run(tmp, 120, "env", "ANSIBLE_ROLES_PATH=" + TestPaths.roles(),
                "ansible-playbook", "--list-tasks", "-i", "localhost,", playbook.toString());
        assertThat(tasks.output()).contains("fleetmq_broker : Create the broker user")
                .contains("fleetmq_broker : Render the broker configuration");
    }
}
