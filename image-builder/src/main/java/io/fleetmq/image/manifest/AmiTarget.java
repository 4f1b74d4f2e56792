package io.fleetmq.image.manifest;

import java.util.List;
import java.util.Objects;

/**
 * {@code targets.ami}: what the AMI issue's {@code image ami} command needs to drive Packer with the same roles:
 * the AMI name, the Packer template, region and instance type, how to find the source AMI, and the SSM parameter
 * the resulting AMI id is published under. Parsed and validated here so one manifest serves both artefacts.
 */
public record AmiTarget(String name, String template, String region, String instanceType,
                        String sourceAmiNameFilter, List<String> sourceAmiOwners, String ssmParameter) {

    public AmiTarget {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(instanceType, "instanceType");
        Objects.requireNonNull(sourceAmiNameFilter, "sourceAmiNameFilter");
        sourceAmiOwners = List.copyOf(sourceAmiOwners);
        Objects.requireNonNull(ssmParameter, "ssmParameter");
    }
}
