package io.fleetmq.image.ami;

import io.fleetmq.image.Processes;
import io.fleetmq.image.TestPaths;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every role in ansible-roles/ passes ansible-lint's production profile and yamllint (ansible-roles/.yamllint). */
class RolesLintTest {

    static List<String> roleNames() throws Exception {
        try (Stream<Path> s = Files.list(TestPaths.roles())) {
            return s.filter(p -> Files.isRegularFile(p.resolve("tasks/main.yml"))).map(p -> p.getFileName()
                    .toString()).sorted().toList();
        }
    }

    @Test
    void everyRolePassesAnsibleLintsProductionProfile() throws Exception {
        Processes.assumeTools("lint the roles", "ansible-lint");
        List<String> cmd = new ArrayList<>(List.of("ansible-lint", "--nocolor", "--offline", "--profile",
                "production"));
        List<String> roles = roleNames();
        assertThat(roles).contains("fleetmq_broker", "fleetmq_os_tuning", "fleetmq_node_exporter",
                "fleetmq_hardening", "fleetmq_eks_node");
        cmd.addAll(roles);
        Processes.Result r = Processes.run(TestPaths.roles(), 300, cmd.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("Passed with production profile");
    }

    @Test
    void everyYamlFileOfTheRolesPassesYamllintStrictly() throws Exception {
        Processes.assumeTools("lint the roles' YAML", "yamllint");
        Processes.Result r = Processes.run(TestPaths.roles(), 120, "yamllint", "--strict", ".");
        assertThat(r.exitCode()).as(r.output()).isZero();
    }
}
