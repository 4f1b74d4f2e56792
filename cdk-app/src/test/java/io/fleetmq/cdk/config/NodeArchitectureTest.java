package io.fleetmq.cdk.config;

import io.fleetmq.cdk.FleetMqApp;
import io.fleetmq.cdk.cluster.ClusterStack;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One node architecture everywhere the EKS worker AMI meets the node groups: the AMI manifest's build instance type,
 * its source AMI (the EKS-optimized AMI for that architecture and the cluster's Kubernetes version) and every
 * instance type of every environment. An arm64 AMI on c6i nodes does not boot; this is the test that says so first.
 */
class NodeArchitectureTest {

    private static final Path EKS_NODE_MANIFEST = Path.of("..", "image-builder", "manifests", "eks-node.yaml");

    @Test
    void theEksNodeAmiAndEveryEnvironmentsNodeGroupsShareOneArchitecture() throws IOException {
        Map<String, Object> ami = amiTarget();
        NodeArchitecture architecture = NodeArchitecture.of((String) ami.get("instanceType"));
        String nameFilter = (String) ((Map<?, ?>) ami.get("sourceAmi")).get("nameFilter");
        assertThat(nameFilter).as("the source AMI of the build").startsWith("amazon-eks-node-al2023-"
                + architecture.amiName() + "-standard-" + ClusterStack.KUBERNETES_VERSION.getVersion() + "-");

        List<Path> envs;
        try (Stream<Path> files = Files.list(FleetMqApp.ENVS_DIR)) {
            envs = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(envs).isNotEmpty();
        for (Path env : envs) {
            Map<String, Object> doc = new Yaml().load(Files.readString(env));
            List<?> types = (List<?>) ((Map<?, ?>) doc.get("nodes")).get("instanceTypes");
            assertThat(types).as(env.toString()).isNotEmpty();
            for (Object type : types) {
                assertThat(NodeArchitecture.of((String) type)).as(env + ": " + type + " vs the AMI's " + architecture)
                        .isEqualTo(architecture);
            }
        }
    }

    @Test
    void gravitonFamiliesAreArm64AndTheOthersX86() {
        for (String arm : List.of("c7g.xlarge", "m6gd.large", "c6gn.2xlarge", "t4g.micro", "r8g.4xlarge")) {
            assertThat(NodeArchitecture.of(arm)).as(arm).isEqualTo(NodeArchitecture.ARM64);
        }
        for (String x86 : List.of("c6i.xlarge", "c6a.2xlarge", "m7i-flex.large", "c5n.9xlarge", "m5.large")) {
            assertThat(NodeArchitecture.of(x86)).as(x86).isEqualTo(NodeArchitecture.X86_64);
        }
    }

    private static Map<String, Object> amiTarget() throws IOException {
        Map<String, Object> manifest = new Yaml().load(Files.readString(EKS_NODE_MANIFEST));
        @SuppressWarnings("unchecked")
        Map<String, Object> ami = (Map<String, Object>) ((Map<?, ?>) manifest.get("targets")).get("ami");
        return ami;
    }
}
