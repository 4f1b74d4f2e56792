package io.fleetmq.cdk.contract;

/**
 * The SSM Parameter Store names through which the image build, the AMI build and the pipeline hand artifacts to the
 * CDK app. One place, so the pipeline stack (issue 10) writes exactly the names the deploy stacks read.
 *
 * <p>All values are plain {@code String} parameters. The pipeline's artifact step writes them once; every later stage
 * (dev, prod) reads the same name, which is how "promote by identity" works: nothing is rebuilt after the artifact step.
 */
public final class SsmParameters {

    /** Every FleetMQ parameter lives under this prefix, so one IAM statement can scope them. */
    public static final String PREFIX = "/fleetmq";

    private SsmParameters() {
    }

    /** {@code /fleetmq/<env>/broker/image-digest}: the broker image digest, {@code sha256:<64 hex>}. */
    public static String brokerImageDigest(String env) {
        return PREFIX + "/" + env + "/broker/image-digest";
    }

    /** {@code /fleetmq/<env>/ami/eks-node}: the golden EKS worker AMI id, as published by {@code ./fleetmq image ami}. */
    public static String eksNodeAmi(String env) {
        return ami(env, "eks-node");
    }

    /**
     * {@code /fleetmq/pipeline/broker/image-digest}: the release record in the pipeline account, written once per
     * pipeline run by the artifact step; its parameter history is the list of releases a rollback picks from.
     */
    public static String releaseImageDigest() {
        return PREFIX + "/pipeline/broker/image-digest";
    }

    /** {@code /fleetmq/pipeline/ami/<name>}: the AMI id of the same release record. */
    public static String releaseAmi(String name) {
        return PREFIX + "/pipeline/ami/" + name;
    }

    /**
     * {@code /fleetmq/<env>/release/image-digest}: the digest running in {@code env}, written by the pipeline's
     * Release step only after that environment's deploy (and, in dev, the bench gate) succeeded: what a rollback goes
     * back to. The deploy reads {@link #brokerImageDigest}, never this.
     */
    public static String environmentReleaseImageDigest(String env) {
        return PREFIX + "/" + env + "/release/image-digest";
    }

    /** {@code /fleetmq/<env>/release/eks-node-ami}: the AMI of the same release record. */
    public static String environmentReleaseAmi(String env) {
        return PREFIX + "/" + env + "/release/eks-node-ami";
    }

    /** {@code /fleetmq/<env>/ami/<name>}: the naming rule the AMI issue uses for every AMI it publishes. */
    public static String ami(String env, String name) {
        return PREFIX + "/" + env + "/ami/" + name;
    }
}
