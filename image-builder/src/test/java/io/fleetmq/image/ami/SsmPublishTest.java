package io.fleetmq.image.ami;

import org.junit.jupiter.api.Test;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.Parameter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Publishing an AMI id to SSM Parameter Store against LocalStack (community edition: SSM and EC2): the parameter the
 * CDK app reads gets the id, and publishing again makes a new version. Needs a Docker engine for Testcontainers;
 * skipped where there is none (as on this project's machines), never faked.
 */
@Testcontainers(disabledWithoutDocker = true)
class SsmPublishTest {

    private static final DockerImageName LOCALSTACK = DockerImageName.parse("localstack/localstack:4.0.3");

    @Test
    void amiIdIsPublishedUnderTheEnvironmentsParameterAndRepublishingMakesANewVersion() {
        try (LocalStackContainer localstack = new LocalStackContainer(LOCALSTACK)) {
            localstack.start();
            StaticCredentialsProvider creds = StaticCredentialsProvider.create(AwsBasicCredentials.create(
                    localstack.getAccessKey(), localstack.getSecretKey()));
            Region region = Region.of(localstack.getRegion());
            try (Ec2Client ec2 = Ec2Client.builder().endpointOverride(localstack.getEndpoint()).region(region)
                    .credentialsProvider(creds).build();
                 SsmClient ssm = SsmClient.builder().endpointOverride(localstack.getEndpoint()).region(region)
                         .credentialsProvider(creds).build()) {
                // An AMI that exists, since the parameter's data type aws:ec2:image makes SSM check the value.
                String amiId = ec2.describeImages(b -> b.owners("amazon")).images().get(0).imageId();
                SsmPublisher publisher = new SsmPublisher(ssm);
                long first = publisher.publish("/fleetmq/dev/ami/eks-node", amiId, "test");
                long second = publisher.publish("/fleetmq/dev/ami/eks-node", amiId, "test again");
                Parameter p = ssm.getParameter(b -> b.name("/fleetmq/dev/ami/eks-node")).parameter();
                assertThat(p.value()).isEqualTo(amiId);
                assertThat(p.dataType()).isEqualTo("aws:ec2:image");
                assertThat(second).isEqualTo(first + 1);
            }
        }
    }
}
