package io.fleetmq.cdk.network;

import io.fleetmq.cdk.support.Synth;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class NetworkStackTest {

    private static Template network(String env) {
        Synth s = Synth.of(env);
        return s.template(s.stacks.network());
    }

    @Test
    void devSpansTwoZonesWithOneNatGateway() {
        Template t = network("dev");
        t.resourceCountIs("AWS::EC2::NatGateway", 1);
        t.resourceCountIs("AWS::EC2::Subnet", 4);
        assertThat(zones(t)).containsExactlyInAnyOrder("eu-west-1a", "eu-west-1b");
    }

    @Test
    void prodSpansThreeZonesWithANatGatewayInEach() {
        Template t = network("prod");
        t.resourceCountIs("AWS::EC2::NatGateway", 3);
        t.resourceCountIs("AWS::EC2::Subnet", 6);
        assertThat(zones(t)).containsExactlyInAnyOrder("eu-west-1a", "eu-west-1b", "eu-west-1c");
        t.hasResourceProperties("AWS::EC2::VPC", Map.of("CidrBlock", "10.50.0.0/16"));
    }

    @Test
    void subnetsCarryTheLoadBalancerControllerDiscoveryTags() {
        Template t = network("dev");
        assertThat(t.findResources("AWS::EC2::Subnet", Map.of("Properties", Map.of("Tags",
                Match.arrayWith(List.of(Map.of("Key", "kubernetes.io/role/elb", "Value", "1"))))))).hasSize(2);
        assertThat(t.findResources("AWS::EC2::Subnet", Map.of("Properties", Map.of("Tags",
                Match.arrayWith(List.of(Map.of("Key", "kubernetes.io/role/internal-elb", "Value", "1"))))))).hasSize(2);
    }

    @Test
    void endpointsForEcrS3SsmLogsStsAndPodIdentityKeepTrafficOffTheNat() {
        Template t = network("dev");
        t.hasResourceProperties("AWS::EC2::VPCEndpoint", Map.of("VpcEndpointType", "Gateway",
                "ServiceName", Match.objectLike(Map.of("Fn::Join", Match.arrayWith(List.of(
                        Match.arrayWith(List.of(".s3")))))))); 
        for (String service : List.of("ecr.api", "ecr.dkr", "ssm", "logs", "sts", "eks-auth")) {
            t.hasResourceProperties("AWS::EC2::VPCEndpoint", Map.of(
                    "VpcEndpointType", "Interface",
                    "PrivateDnsEnabled", true,
                    "ServiceName", "com.amazonaws.eu-west-1." + service));
        }
        t.resourceCountIs("AWS::EC2::VPCEndpoint", 7);
    }

    @Test
    void flowLogsRecordAllTrafficToALogGroupWithRetention() {
        Template t = network("dev");
        t.hasResourceProperties("AWS::EC2::FlowLog", Map.of("TrafficType", "ALL",
                "LogDestinationType", "cloud-watch-logs", "ResourceType", "VPC"));
        t.hasResourceProperties("AWS::Logs::LogGroup", Map.of("RetentionInDays", 30));
        network("prod").hasResourceProperties("AWS::Logs::LogGroup", Map.of("RetentionInDays", 365));
    }

    @SuppressWarnings("unchecked")
    private static List<String> zones(Template t) {
        return t.findResources("AWS::EC2::Subnet").values().stream()
                .map(r -> (String) ((Map<String, Object>) r.get("Properties")).get("AvailabilityZone"))
                .distinct().toList();
    }
}
