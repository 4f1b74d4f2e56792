package io.fleetmq.cdk.cluster;

import io.fleetmq.cdk.support.Synth;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterStackTest {

    private static Template cluster(String env) {
        Synth s = Synth.of(env);
        return s.template(s.stacks.cluster());
    }

    @Test
    void kubernetesVersionIsOneInStandardSupportAndTheAutoscalerMatchesItsMinor() {
        cluster("dev").hasResourceProperties("AWS::EKS::Cluster", Map.of("Version", "1.35", "Name", "fleetmq-dev"));
        assertThat(ClusterStack.CLUSTER_AUTOSCALER_IMAGE_TAG).startsWith("v1.35.");
    }

    /**
     * The kubelet admits exactly the connection sysctls the broker pod sets in its own network namespace; without the
     * list it refuses a pod asking for net.core.somaxconn (SysctlForbidden).
     */
    @Test
    void kubeletAllowsTheBrokersConnectionSysctlsAndNoOthers() {
        String userData = cluster("prod").findResources("AWS::EC2::LaunchTemplate").values().iterator().next()
                .toString();
        assertThat(ClusterStack.ALLOWED_POD_SYSCTLS).containsExactly("net.ipv4.ip_local_port_range",
                "net.ipv4.tcp_fin_timeout", "net.core.somaxconn", "net.ipv4.tcp_max_syn_backlog",
                "net.ipv4.tcp_keepalive_time");
        StringBuilder expected = new StringBuilder("  kubelet:\n    config:\n      allowedUnsafeSysctls:\n");
        ClusterStack.ALLOWED_POD_SYSCTLS.forEach(k -> expected.append("        - ").append(k).append("\n"));
        assertThat(userData).contains(expected.toString() + "\n--FLEETMQ\n");
        assertThat(userData).doesNotContain("net.ipv4.ip_forward").doesNotContain("kernel.");
    }

    /** The golden AMI's kubelet drop-in (fleetmq_eks_node role) allows the same list as the launch template. */
    @Test
    void theAmiRoleAllowsTheSameSysctlsAsTheLaunchTemplate() throws java.io.IOException {
        Map<String, Object> defaults = new org.yaml.snakeyaml.Yaml().load(java.nio.file.Files.readString(
                java.nio.file.Path.of("..", "ansible-roles", "fleetmq_eks_node", "defaults", "main.yml")));
        assertThat((List<?>) defaults.get("fleetmq_eks_node_kubelet_allowed_unsafe_sysctls"))
                .isEqualTo(ClusterStack.ALLOWED_POD_SYSCTLS);
    }

    @Test
    void apiEndpointIsPrivateAndEveryControlPlaneLogTypeIsOn() {
        cluster("prod").hasResourceProperties("AWS::EKS::Cluster", Map.of(
                "ResourcesVpcConfig", Match.objectLike(Map.of("EndpointPublicAccess", false,
                        "EndpointPrivateAccess", true)),
                "Logging", Map.of("ClusterLogging", Map.of("EnabledTypes", List.of(
                        Map.of("Type", "api"), Map.of("Type", "audit"), Map.of("Type", "authenticator"),
                        Map.of("Type", "controllerManager"), Map.of("Type", "scheduler"))))));
    }

    @Test
    void secretsAreEncryptedWithARotatedKmsKeyOfOurOwn() {
        Template t = cluster("dev");
        t.hasResourceProperties("AWS::KMS::Key", Map.of("EnableKeyRotation", true));
        String keyId = t.findResources("AWS::KMS::Key").keySet().iterator().next();
        t.hasResourceProperties("AWS::EKS::Cluster", Map.of("EncryptionConfig", List.of(Map.of(
                "Provider", Map.of("KeyArn", Map.of("Fn::GetAtt", List.of(keyId, "Arn"))),
                "Resources", List.of("secrets")))));
    }

    @Test
    void noAutoModeNoDefaultCapacityOneManagedNodeGroupPerZone() {
        Template dev = cluster("dev");
        dev.hasResourceProperties("AWS::EKS::Cluster", Map.of("ComputeConfig", Map.of("Enabled", false)));
        dev.resourceCountIs("AWS::EKS::Nodegroup", 2);
        Template prod = cluster("prod");
        prod.resourceCountIs("AWS::EKS::Nodegroup", 3);
        // Each node group sits in exactly one subnet (one AZ) and scales within the environment's bounds.
        prod.allResourcesProperties("AWS::EKS::Nodegroup", Map.of(
                "Subnets", Match.arrayEquals(List.of(Match.anyValue())),
                "ScalingConfig", Map.of("MinSize", 1, "DesiredSize", 1, "MaxSize", 10),
                "InstanceTypes", List.of("c6i.2xlarge", "c6a.2xlarge"),
                "Labels", Map.of(ClusterStack.NODE_POOL_LABEL, ClusterStack.NODE_POOL_BROKER),
                // An AMI roll replaces one node at a time and never forces past the broker's PDB.
                "UpdateConfig", Map.of("MaxUnavailable", 1),
                "ForceUpdateEnabled", false));
    }

    @Test
    void nodeGroupsUseTheLaunchTemplateWhoseAmiIsTheSsmParameterTheAmiBuildPublishes() {
        Template t = cluster("dev");
        String lt = t.findResources("AWS::EC2::LaunchTemplate").keySet().iterator().next();
        t.allResourcesProperties("AWS::EKS::Nodegroup", Map.of("LaunchTemplate", Map.of(
                "Id", Map.of("Ref", lt),
                "Version", Map.of("Fn::GetAtt", List.of(lt, "LatestVersionNumber")))));
        // No AmiType: with a launch-template AMI EKS treats the group as CUSTOM.
        t.allResourcesProperties("AWS::EKS::Nodegroup", Map.of("AmiType", Match.absent()));

        Map<String, Map<String, Object>> params = t.findParameters("*", Map.of(
                "Type", "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
                "Default", "/fleetmq/dev/ami/eks-node"));
        assertThat(params).hasSize(1);
        t.hasResourceProperties("AWS::EC2::LaunchTemplate", Map.of("LaunchTemplateData", Match.objectLike(Map.of(
                "ImageId", Map.of("Ref", params.keySet().iterator().next())))));
    }

    @Test
    void anAmiIdFromContextReplacesTheSsmParameter() {
        Synth s = Synth.of(Map.of("env", "dev", "amiId", "ami-0123456789abcdef0"));
        Template t = s.template(s.stacks.cluster());
        t.hasResourceProperties("AWS::EC2::LaunchTemplate", Map.of("LaunchTemplateData", Match.objectLike(Map.of(
                "ImageId", "ami-0123456789abcdef0"))));
        assertThat(t.findParameters("*", Map.of("Type", "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>")))
                .isEmpty();
    }

    @Test
    void launchTemplateBootstrapsWithNodeadmRaisesNofileAndBlocksPodsFromImds() {
        Template t = cluster("dev");
        t.hasResourceProperties("AWS::EC2::LaunchTemplate", Map.of("LaunchTemplateData", Match.objectLike(Map.of(
                "MetadataOptions", Map.of("HttpTokens", "required", "HttpPutResponseHopLimit", 1),
                "BlockDeviceMappings", List.of(Map.of("DeviceName", "/dev/xvda",
                        "Ebs", Map.of("Encrypted", true, "VolumeType", "gp3", "VolumeSize", 50)))))));
        String userData = t.findResources("AWS::EC2::LaunchTemplate").values().iterator().next().toString();
        assertThat(userData)
                .contains("Content-Type: application/node.eks.aws", "kind: NodeConfig",
                        "cidr: " + ClusterStack.SERVICE_CIDR)
                .contains("LimitNOFILE=" + ClusterStack.CONTAINER_NOFILE,
                        "/etc/systemd/system/containerd.service.d/");
    }

    @Test
    void clusterAutoscalerIsAPinnedChartWithPodIdentityScopedToThisClustersGroups() {
        Template t = cluster("dev");
        t.hasResourceProperties("Custom::AWSCDK-EKS-HelmChart", Map.of(
                "Chart", "cluster-autoscaler",
                "Version", ClusterStack.CLUSTER_AUTOSCALER_CHART_VERSION,
                "Repository", "https://kubernetes.github.io/autoscaler",
                "Values", Match.serializedJson(Match.objectLike(Map.of(
                        "autoDiscovery", Map.of("clusterName", "fleetmq-dev"),
                        "image", Map.of("tag", ClusterStack.CLUSTER_AUTOSCALER_IMAGE_TAG),
                        "extraArgs", Match.objectLike(Map.of("balance-similar-node-groups", true)))))));
        t.hasResourceProperties("AWS::EKS::PodIdentityAssociation", Map.of(
                "Namespace", "kube-system", "ServiceAccount", ClusterStack.CLUSTER_AUTOSCALER_SERVICE_ACCOUNT));
        t.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Map.of("Statement", Match.arrayWith(
                List.of(Match.objectLike(Map.of(
                        "Action", List.of("autoscaling:SetDesiredCapacity",
                                "autoscaling:TerminateInstanceInAutoScalingGroup"),
                        "Condition", Map.of("StringEquals", Map.of(
                                "aws:ResourceTag/k8s.io/cluster-autoscaler/fleetmq-dev", "owned")))))))));
    }

    @Test
    void awsLoadBalancerControllerIsInstalledAtThePinnedVersion() {
        cluster("dev").hasResourceProperties("Custom::AWSCDK-EKS-HelmChart", Map.of(
                "Chart", "aws-load-balancer-controller",
                "Version", ClusterStack.ALB_CONTROLLER_VERSION.getHelmChartVersion()));
    }

    @Test
    void operatorRolesFromTheEnvironmentGetClusterAdminAccessEntries() {
        cluster("prod").hasResourceProperties("AWS::EKS::AccessEntry", Map.of(
                "PrincipalArn", "arn:aws:iam::222222222222:role/FleetMqOperator",
                "AccessPolicies", List.of(Match.objectLike(Map.of(
                        "PolicyArn", Map.of("Fn::Join", Match.arrayWith(List.of(Match.arrayWith(List.of(
                                ":eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"))))))))));
    }
}
