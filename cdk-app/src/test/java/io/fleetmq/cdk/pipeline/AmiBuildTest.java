package io.fleetmq.cdk.pipeline;

import io.fleetmq.cdk.support.Cfn;
import io.fleetmq.cdk.support.PipelineSynth;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The AMI build's place and key: a security group nothing can connect into, an instance profile for Session Manager,
 * a rotated customer-managed key whose policy lets the other environment accounts launch the AMIs, all handed to the
 * artifact step; and the artifact step cannot create or open a security group itself.
 */
class AmiBuildTest {

    private final PipelineSynth s = PipelineSynth.get();
    private final Template t = s.template(s.stacks.pipeline());

    @Test
    void theBuildInstancesSecurityGroupAdmitsNothingAndOnlySendsHttps() {
        Map<String, Map<String, Object>> groups = Cfn.resources(t, "AWS::EC2::SecurityGroup");
        Map<String, Object> sg = groups.values().stream()
                .filter(g -> String.valueOf((Object) Cfn.at(g, "GroupDescription")).startsWith("FleetMQ AMI build"))
                .findFirst().orElseThrow();
        assertThat((Object) Cfn.at(sg, "SecurityGroupIngress")).isNull();
        assertThat(Cfn.resources(t, "AWS::EC2::SecurityGroupIngress").values().toString())
                .doesNotContain("AmiBuild");
        List<Map<String, Object>> egress = Cfn.at(sg, "SecurityGroupEgress");
        assertThat(egress).extracting(e -> e.get("FromPort")).containsExactly(443);
    }

    @Test
    void theAmiKeyIsRotatedAndTheProdAccountMayUseItToLaunch() {
        t.hasResourceProperties("AWS::KMS::Alias", Map.of("AliasName", PipelineNames.AMI_KEY_ALIAS));
        Map<String, Object> key = Cfn.resources(t, "AWS::KMS::Key").values().stream()
                .filter(k -> String.valueOf((Object) Cfn.at(k, "Description")).startsWith("FleetMQ golden AMIs"))
                .findFirst().orElseThrow();
        assertThat((Object) Cfn.at(key, "EnableKeyRotation")).isEqualTo(true);
        String policy = String.valueOf((Object) Cfn.at(key, "KeyPolicy"));
        assertThat(policy).contains("arn:", ":iam::" + s.prod.account() + ":root", "kms:CreateGrant",
                "kms:Decrypt", "kms:GenerateDataKeyWithoutPlaintext");
    }

    @Test
    void theArtifactStepGetsThePlacementAndMayNotOpenASecurityGroup() {
        Map<String, Object> project = Cfn.resources(t, "AWS::CodeBuild::Project").values().stream()
                .filter(p -> String.valueOf(p.get("Description")).endsWith("/Artifacts")).findFirst().orElseThrow();
        assertThat(Cfn.projectEnv(project)).containsKeys("AMI_BUILD_SUBNET_ID", "AMI_BUILD_SECURITY_GROUP_ID",
                "AMI_BUILD_INSTANCE_PROFILE", "AMI_KMS_KEY_ARN");
        String policies = Cfn.resources(t, "AWS::IAM::Policy").values().toString();
        assertThat(policies).contains("ssm:StartSession", "AWS-StartSSHSession", "iam:PassRole")
                .doesNotContain("ec2:AuthorizeSecurityGroupIngress").doesNotContain("ec2:CreateSecurityGroup");
        t.hasResourceProperties("AWS::IAM::InstanceProfile", Match.objectLike(Map.of()));
    }
}
