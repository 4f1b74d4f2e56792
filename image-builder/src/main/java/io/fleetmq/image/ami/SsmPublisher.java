package io.fleetmq.image.ami;

import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;
import software.amazon.awssdk.services.ssm.model.PutParameterRequest;

/**
 * Publishes an AMI id to SSM Parameter Store under {@code /fleetmq/<env>/ami/<name>}, where the pipeline promotes it
 * and the CDK app reads it (cdk-app's contract.SsmParameters). A String parameter with data type
 * {@code aws:ec2:image}, so SSM itself checks that the value is an AMI that exists.
 */
public final class SsmPublisher {

    private final SsmClient ssm;

    public SsmPublisher(SsmClient ssm) {
        this.ssm = ssm;
    }

    /** Writes (or overwrites) the parameter and returns its new version. */
    public long publish(String parameter, String amiId, String description) {
        return ssm.putParameter(PutParameterRequest.builder()
                .name(parameter)
                .value(amiId)
                .type(ParameterType.STRING)
                .dataType("aws:ec2:image")
                .description(description)
                .overwrite(true)
                .build()).version();
    }
}
