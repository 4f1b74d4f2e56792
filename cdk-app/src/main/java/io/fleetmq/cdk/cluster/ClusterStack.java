package io.fleetmq.cdk.cluster;

import io.fleetmq.cdk.config.EnvironmentConfig;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.cdk.lambdalayer.kubectl.v32.KubectlV32Layer;
import software.amazon.awscdk.services.ec2.BlockDevice;
import software.amazon.awscdk.services.ec2.BlockDeviceVolume;
import software.amazon.awscdk.services.ec2.EbsDeviceOptions;
import software.amazon.awscdk.services.ec2.EbsDeviceVolumeType;
import software.amazon.awscdk.services.ec2.IMachineImage;
import software.amazon.awscdk.services.ec2.ISubnet;
import software.amazon.awscdk.services.ec2.InstanceType;
import software.amazon.awscdk.services.ec2.LaunchTemplate;
import software.amazon.awscdk.services.ec2.LaunchTemplateHttpTokens;
import software.amazon.awscdk.services.ec2.MachineImage;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.UserData;
import software.amazon.awscdk.services.eks_v2.AlbControllerOptions;
import software.amazon.awscdk.services.eks_v2.AlbControllerVersion;
import software.amazon.awscdk.services.eks_v2.Cluster;
import software.amazon.awscdk.services.eks_v2.ClusterLoggingTypes;
import software.amazon.awscdk.services.eks_v2.DefaultCapacityType;
import software.amazon.awscdk.services.eks_v2.EndpointAccess;
import software.amazon.awscdk.services.eks_v2.HelmChartOptions;
import software.amazon.awscdk.services.eks_v2.IdentityType;
import software.amazon.awscdk.services.eks_v2.KubectlProviderOptions;
import software.amazon.awscdk.services.eks_v2.KubernetesVersion;
import software.amazon.awscdk.services.eks_v2.LaunchTemplateSpec;
import software.amazon.awscdk.services.eks_v2.NodegroupOptions;
import software.amazon.awscdk.services.eks_v2.ServiceAccount;
import software.amazon.awscdk.services.eks_v2.ServiceAccountOptions;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.kms.Key;
import io.fleetmq.cdk.nag.Nag;
import software.constructs.Construct;
import software.constructs.IConstruct;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The EKS cluster (stable {@code eks_v2}: a native AWS::EKS::Cluster): Kubernetes version pinned to the kubectl layer,
 * private API endpoint, every control-plane log type, secrets envelope-encrypted with a KMS key of our own, one managed
 * node group per AZ on a launch template whose AMI is the golden EKS-node AMI, the AWS Load Balancer Controller (for the
 * NLB), Pod Identity for in-cluster AWS access, and the Cluster Autoscaler so pending broker pods get nodes.
 */
public final class ClusterStack extends Stack {

    /**
     * Pinned to a version in EKS standard support: 1.35 (EKS since early 2026, standard support about 14 months, into
     * 2027). 1.32 and 1.33 are in extended support by now and 1.34's standard support ends this month; aws-cdk-lib 2.263
     * offers up to V1_36, the newest of which would shorten nothing but tests less. The kubectl layer stays
     * {@code cdk-lambda-layer-kubectl-v32}, the newest in Maven Central: kubectl 1.32 is three minors behind the API
     * server, outside kubectl's supported skew of one; it only applies manifests of stable APIs (v1, apps/v1,
     * policy/v1, autoscaling/v2, rbac) and Helm charts, which 1.35 serves unchanged. Moving to the npm package
     * {@code @aws-cdk/lambda-layer-kubectl-v35} is the follow-up (docs/deploy.md, Kubernetes version).
     */
    public static final KubernetesVersion KUBERNETES_VERSION = KubernetesVersion.V1_35;
    /**
     * Connection sysctls the kubelet lets pods set in their own network namespace (the broker pod's
     * securityContext.sysctls): a node's sysctl tuning does not reach a pod's namespace. somaxconn and
     * tcp_max_syn_backlog are "unsafe" to Kubernetes and refused without this list; the other three are namespaced and
     * safe since 1.29 and are listed so the set the broker relies on is stated in one place.
     */
    public static final List<String> ALLOWED_POD_SYSCTLS = List.of("net.ipv4.ip_local_port_range",
            "net.ipv4.tcp_fin_timeout", "net.core.somaxconn", "net.ipv4.tcp_max_syn_backlog",
            "net.ipv4.tcp_keepalive_time");
    /** Service CIDR, fixed so the node bootstrap configuration can state it. */
    public static final String SERVICE_CIDR = "172.20.0.0/16";
    public static final AlbControllerVersion ALB_CONTROLLER_VERSION = AlbControllerVersion.V2_13_3;
    /** Cluster Autoscaler chart and image; the image's minor version must equal the Kubernetes minor version. */
    public static final String CLUSTER_AUTOSCALER_CHART_VERSION = "9.46.6";
    public static final String CLUSTER_AUTOSCALER_IMAGE_TAG = "v1.35.0";
    public static final String CLUSTER_AUTOSCALER_SERVICE_ACCOUNT = "cluster-autoscaler";
    /** Node label the broker pods select: only the golden-AMI node groups carry it. */
    public static final String NODE_POOL_LABEL = "fleetmq.io/pool";
    public static final String NODE_POOL_BROKER = "broker";
    /** Open files per container (containerd's LimitNOFILE): one per MQTT connection, ~200k per node, plus headroom. */
    public static final int CONTAINER_NOFILE = 1_048_576;

    private final Cluster cluster;
    private final LaunchTemplate launchTemplate;

    public ClusterStack(Construct scope, String id, StackProps stackProps, ClusterStackProps props) {
        super(scope, id, stackProps);
        EnvironmentConfig.Nodes nodes = props.nodes();

        Key secretsKey = Key.Builder.create(this, "SecretsKey")
                .description("Envelope encryption of Kubernetes Secrets in " + props.clusterName())
                .enableKeyRotation(true)
                .build();

        SubnetSelection privateSubnets = SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build();
        cluster = Cluster.Builder.create(this, "Cluster")
                .clusterName(props.clusterName())
                .version(KUBERNETES_VERSION)
                .vpc(props.vpc())
                .vpcSubnets(List.of(privateSubnets))
                // Private only: the API server is not on the internet. The kubectl handler that applies the
                // manifests runs inside the VPC; operators reach the API through the VPC (SSM, VPN, CodeBuild).
                .endpointAccess(EndpointAccess.PRIVATE)
                .serviceIpv4Cidr(SERVICE_CIDR)
                .secretsEncryptionKey(secretsKey)
                .clusterLogging(List.of(ClusterLoggingTypes.API, ClusterLoggingTypes.AUDIT,
                        ClusterLoggingTypes.AUTHENTICATOR, ClusterLoggingTypes.CONTROLLER_MANAGER,
                        ClusterLoggingTypes.SCHEDULER))
                // No Auto Mode and no default capacity: the golden-AMI node groups below are the only nodes.
                .defaultCapacityType(DefaultCapacityType.NODEGROUP)
                .defaultCapacity(0)
                .kubectlProviderOptions(KubectlProviderOptions.builder()
                        .kubectlLayer(new KubectlV32Layer(this, "KubectlLayer"))
                        .privateSubnets(props.vpc().getPrivateSubnets())
                        .build())
                .albController(AlbControllerOptions.builder().version(ALB_CONTROLLER_VERSION).build())
                .build();

        launchTemplate = LaunchTemplate.Builder.create(this, "NodeLaunchTemplate")
                .machineImage(machineImage(nodes))
                .userData(UserData.custom(nodeadmUserData()))
                .requireImdsv2(true)
                // Hop limit 1: pods cannot reach the node role's credentials; they get their own through Pod Identity.
                .httpPutResponseHopLimit(1)
                .httpTokens(LaunchTemplateHttpTokens.REQUIRED)
                .blockDevices(List.of(BlockDevice.builder()
                        .deviceName("/dev/xvda")
                        .volume(BlockDeviceVolume.ebs(50, EbsDeviceOptions.builder()
                                .volumeType(EbsDeviceVolumeType.GP3).encrypted(true).build()))
                        .build()))
                .build();

        List<InstanceType> instanceTypes = nodes.instanceTypes().stream().map(InstanceType::new).toList();
        // One node group per AZ (not one spanning all): the Cluster Autoscaler can then add a node in the zone where a
        // pod is pending, which is what topology spread across zones needs.
        List<ISubnet> subnets = props.vpc().getPrivateSubnets();
        for (int i = 0; i < subnets.size(); i++) {
            ISubnet subnet = subnets.get(i);
            var nodegroup = cluster.addNodegroupCapacity("Broker" + (i + 1), NodegroupOptions.builder()
                    .launchTemplateSpec(LaunchTemplateSpec.builder()
                            .id(launchTemplate.getLaunchTemplateId())
                            .version(launchTemplate.getLatestVersionNumber())
                            .build())
                    .instanceTypes(instanceTypes)
                    .minSize(nodes.minPerAz())
                    .desiredSize(nodes.minPerAz())
                    .maxSize(nodes.maxPerAz())
                    .subnets(SubnetSelection.builder().subnets(List.of(subnet)).build())
                    .labels(Map.of(NODE_POOL_LABEL, NODE_POOL_BROKER))
                    // Rolling an AMI replaces one node at a time so the broker drains and the PDB holds.
                    .maxUnavailable(1)
                    // Never evict past the broker's PodDisruptionBudget: a stuck drain stops the roll instead.
                    .forceUpdate(false)
                    .build());
            // Session Manager instead of SSH: the golden AMI has no SSH keys baked in.
            nodegroup.getRole().addManagedPolicy(ManagedPolicy.fromAwsManagedPolicyName("AmazonSSMManagedInstanceCore"));
            Nag.suppressTree(nodegroup, "AwsSolutions-IAM4", "The node role carries exactly the AWS managed policies "
                            + "EKS documents for worker nodes (kubelet, VPC CNI, ECR pull) plus Session Manager access; "
                            + "AWS keeps them in step with EKS. Pods do not inherit them: IMDS hop limit 1.",
                    Nag.managedPolicy("AmazonEKSWorkerNodePolicy"), Nag.managedPolicy("AmazonEKS_CNI_Policy"),
                    Nag.managedPolicy("AmazonEC2ContainerRegistryReadOnly"),
                    Nag.managedPolicy("AmazonSSMManagedInstanceCore"));
        }
        suppressCdkOwnedFindings();

        // Operators: the API endpoint is private, so access is by IAM role (from inside the VPC, e.g. CloudShell in
        // the VPC or a CodeBuild project), mapped to cluster admin by an access entry.
        for (int i = 0; i < nodes.adminRoleArns().size(); i++) {
            cluster.grantClusterAdmin("Admin" + (i + 1), nodes.adminRoleArns().get(i));
        }

        addClusterAutoscaler(props.clusterName());
    }

    /**
     * The golden AMI: an id from context or the environment file, otherwise the SSM parameter the AMI build publishes,
     * resolved by CloudFormation at deploy time (so the same template deploys whatever AMI the pipeline promoted).
     */
    private IMachineImage machineImage(EnvironmentConfig.Nodes nodes) {
        return nodes.amiId()
                .map(id -> MachineImage.genericLinux(Map.of(getRegion(), id)))
                .orElseGet(() -> MachineImage.fromSsmParameter(nodes.amiParameter()));
    }

    /**
     * A custom AMI in a managed node group gets no bootstrap from EKS, so the launch template carries it: an Amazon
     * Linux 2023 {@code nodeadm} NodeConfig naming the cluster, its endpoint, CA and service CIDR, and the kubelet's
     * allowed pod sysctls ({@link #ALLOWED_POD_SYSCTLS}; the golden AMI's kubelet drop-in says the same). A second part
     * raises containerd's open-file limit, which every container inherits (Kubernetes has no per-pod ulimit): it runs after
     * nodeadm's config phase and before containerd starts, and repeats what the golden AMI's containerd tuning sets, so
     * a node on an older AMI still gets it.
     */
    private String nodeadmUserData() {
        return Fn.join("", List.of(
                "MIME-Version: 1.0\n",
                "Content-Type: multipart/mixed; boundary=\"FLEETMQ\"\n\n",
                "--FLEETMQ\n",
                "Content-Type: application/node.eks.aws\n\n",
                "---\n",
                "apiVersion: node.eks.aws/v1alpha1\n",
                "kind: NodeConfig\n",
                "spec:\n",
                "  cluster:\n",
                "    name: ", cluster.getClusterName(), "\n",
                "    apiServerEndpoint: ", cluster.getClusterEndpoint(), "\n",
                "    certificateAuthority: ", cluster.getClusterCertificateAuthorityData(), "\n",
                "    cidr: ", SERVICE_CIDR, "\n",
                "  kubelet:\n",
                "    config:\n",
                "      allowedUnsafeSysctls:\n",
                ALLOWED_POD_SYSCTLS.stream().map(k -> "        - " + k + "\n").collect(Collectors.joining()),
                "\n--FLEETMQ\n",
                "Content-Type: text/x-shellscript; charset=\"us-ascii\"\n\n",
                "#!/bin/bash\n",
                "set -euo pipefail\n",
                "mkdir -p /etc/systemd/system/containerd.service.d\n",
                "printf '[Service]\\nLimitNOFILE=" + CONTAINER_NOFILE + "\\n' > ",
                "/etc/systemd/system/containerd.service.d/50-fleetmq-nofile.conf\n",
                "systemctl daemon-reload\n",
                "\n--FLEETMQ--\n"));
    }

    private void addClusterAutoscaler(String clusterName) {
        ServiceAccount account = cluster.addServiceAccount("ClusterAutoscalerAccount", ServiceAccountOptions.builder()
                .name(CLUSTER_AUTOSCALER_SERVICE_ACCOUNT)
                .namespace("kube-system")
                .identityType(IdentityType.POD_IDENTITY)
                .build());
        // Describe* calls do not support resource-level permissions; the mutating calls are limited to the node
        // groups' Auto Scaling groups, which EKS tags with the cluster name.
        account.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .effect(Effect.ALLOW)
                .actions(List.of("autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingInstances",
                        "autoscaling:DescribeLaunchConfigurations", "autoscaling:DescribeScalingActivities",
                        "autoscaling:DescribeTags", "ec2:DescribeImages", "ec2:DescribeInstanceTypes",
                        "ec2:DescribeLaunchTemplateVersions", "ec2:GetInstanceTypesFromInstanceRequirements",
                        "eks:DescribeNodegroup"))
                .resources(List.of("*"))
                .build());
        account.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .effect(Effect.ALLOW)
                .actions(List.of("autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"))
                .resources(List.of("*"))
                .conditions(Map.of("StringEquals",
                        Map.of("aws:ResourceTag/k8s.io/cluster-autoscaler/" + clusterName, "owned")))
                .build());

        Nag.suppressTree(account, "AwsSolutions-IAM5", "Cluster Autoscaler: the Describe* calls it needs do not "
                + "support resource-level permissions; SetDesiredCapacity and TerminateInstanceInAutoScalingGroup are "
                + "limited by condition to Auto Scaling groups tagged as owned by this cluster.", "Resource::*");

        var chart = cluster.addHelmChart("ClusterAutoscaler", HelmChartOptions.builder()
                .repository("https://kubernetes.github.io/autoscaler")
                .chart("cluster-autoscaler")
                .version(CLUSTER_AUTOSCALER_CHART_VERSION)
                .release("cluster-autoscaler")
                .namespace("kube-system")
                .timeout(Duration.minutes(10))
                .values(Map.of(
                        "cloudProvider", "aws",
                        "awsRegion", getRegion(),
                        "autoDiscovery", Map.of("clusterName", clusterName),
                        "image", Map.of("tag", CLUSTER_AUTOSCALER_IMAGE_TAG),
                        "rbac", Map.of("serviceAccount", Map.of("create", false,
                                "name", CLUSTER_AUTOSCALER_SERVICE_ACCOUNT)),
                        // Per-AZ node groups are alike: balance them so zones stay even; least-waste picks the
                        // smallest node that fits; a broker node is only removed after 10 min of low use.
                        "extraArgs", Map.of(
                                "balance-similar-node-groups", true,
                                "expander", "least-waste",
                                "skip-nodes-with-system-pods", false,
                                "scale-down-unneeded-time", "10m")))
                .build());
        chart.getNode().addDependency(account);
    }

    /** Findings on resources that CDK's EKS module creates and owns, not on anything FleetMQ defines. */
    private void suppressCdkOwnedFindings() {
        Nag.suppress(cluster.getRole(), "AwsSolutions-IAM4", "The EKS cluster service role needs "
                + "AmazonEKSClusterPolicy; AWS maintains it as EKS evolves and documents it as the required policy.",
                Nag.managedPolicy("AmazonEKSClusterPolicy"));
        IConstruct kubectlProvider = cluster.getNode().findChild("KubectlProvider");
        String kubectlWhy = "CDK's kubectl provider (a Lambda in the private subnets that applies the manifests): its "
                + "roles, runtime and policies are generated and versioned by aws-cdk-lib, and its invoke permission "
                + "is scoped to its own handler function.";
        Nag.suppressTree(kubectlProvider, "AwsSolutions-IAM4", kubectlWhy);
        Nag.suppressTree(kubectlProvider, "AwsSolutions-IAM5", kubectlWhy);
        Nag.suppressTree(kubectlProvider, "AwsSolutions-L1", kubectlWhy + " The runtime moves with aws-cdk-lib, "
                + "which is pinned and upgraded deliberately.");
        Nag.suppressTree(cluster.getAlbController(), "AwsSolutions-IAM5", "The AWS Load Balancer Controller's "
                + "published IAM policy (shipped by aws-cdk-lib for the pinned controller version): it creates NLBs, "
                + "target groups and security groups whose names are chosen at run time, and its mutating actions are "
                + "conditioned on the elbv2.k8s.aws/cluster tag.");
    }

    public Cluster cluster() {
        return cluster;
    }

    public LaunchTemplate launchTemplate() {
        return launchTemplate;
    }
}
