package io.fleetmq.cdk.network;

import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.ec2.FlowLogDestination;
import software.amazon.awscdk.services.ec2.FlowLogOptions;
import software.amazon.awscdk.services.ec2.FlowLogTrafficType;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.IpAddresses;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import io.fleetmq.cdk.nag.Nag;
import software.constructs.Construct;

import java.util.List;
import java.util.Map;

/**
 * The VPC: public subnets for the NLB and NAT, private subnets for the EKS nodes and pods, NAT per the environment
 * (one in dev, one per AZ in production), endpoints so node bootstrap, image pulls and logging never need the NAT,
 * and flow logs of all traffic.
 */
public final class NetworkStack extends Stack {

    /** Interface endpoints: ECR (API and image layers), SSM, CloudWatch Logs, STS, and EKS Pod Identity's auth API. */
    static final Map<String, InterfaceVpcEndpointAwsService> INTERFACE_ENDPOINTS = Map.of(
            "EcrApi", InterfaceVpcEndpointAwsService.ECR,
            "EcrDocker", InterfaceVpcEndpointAwsService.ECR_DOCKER,
            "Ssm", InterfaceVpcEndpointAwsService.SSM,
            "Logs", InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
            "Sts", InterfaceVpcEndpointAwsService.STS,
            "EksAuth", InterfaceVpcEndpointAwsService.EKS_AUTH);

    private final Vpc vpc;

    public NetworkStack(Construct scope, String id, StackProps stackProps, NetworkStackProps props) {
        super(scope, id, stackProps);

        vpc = Vpc.Builder.create(this, "Vpc")
                .ipAddresses(IpAddresses.cidr(props.network().cidr()))
                // Explicit zones: no AZ lookup at synth time, and the same zones as the node groups.
                .availabilityZones(props.availabilityZones())
                .natGateways(props.network().natGateways())
                .subnetConfiguration(List.of(
                        SubnetConfiguration.builder().name("public").subnetType(SubnetType.PUBLIC).cidrMask(24).build(),
                        // /19 per AZ: the VPC CNI gives every pod a VPC address, so private subnets must be large.
                        SubnetConfiguration.builder().name("private").subnetType(SubnetType.PRIVATE_WITH_EGRESS)
                                .cidrMask(19).build()))
                .build();

        // The AWS Load Balancer Controller finds subnets for an internet-facing NLB by this tag.
        for (var subnet : vpc.getPublicSubnets()) {
            Tags.of(subnet).add("kubernetes.io/role/elb", "1");
        }
        for (var subnet : vpc.getPrivateSubnets()) {
            Tags.of(subnet).add("kubernetes.io/role/internal-elb", "1");
        }

        LogGroup flowLogGroup = LogGroup.Builder.create(this, "FlowLogs")
                .retention(RetentionDays.valueOf(retentionConstant(props.network().flowLogRetentionDays())))
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        vpc.addFlowLog("AllTraffic", FlowLogOptions.builder()
                .trafficType(FlowLogTrafficType.ALL)
                .destination(FlowLogDestination.toCloudWatchLogs(flowLogGroup))
                .build());

        vpc.addGatewayEndpoint("S3", GatewayVpcEndpointOptions.builder()
                .service(GatewayVpcEndpointAwsService.S3)
                .subnets(List.of(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build()))
                .build());
        INTERFACE_ENDPOINTS.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            var endpoint = vpc.addInterfaceEndpoint(e.getKey(), InterfaceVpcEndpointOptions.builder()
                    .service(e.getValue())
                    .privateDnsEnabled(true)
                    .subnets(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build())
                    .build());
            Nag.suppressTree(endpoint, "CdkNagValidationFailure", "AwsSolutions-EC23 cannot resolve the ingress "
                    + "source of the endpoint's security group: it is this VPC's own CIDR (Fn::GetAtt Vpc.CidrBlock, "
                    + "HTTPS only), not 0.0.0.0/0.");
        });
    }

    public IVpc vpc() {
        return vpc;
    }

    /** The loader allows only CloudWatch's retention values; this names the matching constant. */
    private static String retentionConstant(int days) {
        return switch (days) {
            case 1 -> "ONE_DAY";
            case 3 -> "THREE_DAYS";
            case 5 -> "FIVE_DAYS";
            case 7 -> "ONE_WEEK";
            case 14 -> "TWO_WEEKS";
            case 30 -> "ONE_MONTH";
            case 60 -> "TWO_MONTHS";
            case 90 -> "THREE_MONTHS";
            case 120 -> "FOUR_MONTHS";
            case 150 -> "FIVE_MONTHS";
            case 180 -> "SIX_MONTHS";
            case 365 -> "ONE_YEAR";
            case 400 -> "THIRTEEN_MONTHS";
            case 545 -> "EIGHTEEN_MONTHS";
            case 731 -> "TWO_YEARS";
            case 1096 -> "THREE_YEARS";
            case 1827 -> "FIVE_YEARS";
            case 2192 -> "SIX_YEARS";
            case 2557 -> "SEVEN_YEARS";
            case 2922 -> "EIGHT_YEARS";
            case 3288 -> "NINE_YEARS";
            case 3653 -> "TEN_YEARS";
            default -> "";
        };
    }
}
