package io.fleetmq.cdk.pipeline;

/**
 * Physical names shared by the pipeline account and the environments' accounts. A role's trust policy names the role
 * it trusts by ARN, so these are fixed names, in one place.
 */
public final class PipelineNames {

    private PipelineNames() {
    }

    /** The role of the promote step for {@code env}, in the pipeline account. */
    public static String promoteRoleName(String env) {
        return "fleetmq-pipeline-promote-" + env;
    }

    public static String promoteRoleArn(PipelineConfig pipeline, String env) {
        return "arn:aws:iam::" + pipeline.account() + ":role/" + promoteRoleName(env);
    }

    /** The release role in {@code env}'s account (stack {@code FleetMq-<env>-ReleaseAccess}). */
    public static String releaseRoleName(String env) {
        return "fleetmq-" + env + "-release";
    }

    public static String releaseRoleArn(String account, String env) {
        return "arn:aws:iam::" + account + ":role/" + releaseRoleName(env);
    }

    /**
     * Alias of the customer-managed key the golden AMIs are encrypted with (pipeline account). Environments' release
     * roles find it by this alias; the key's id is only known once deployed.
     */
    public static final String AMI_KEY_ALIAS = "alias/fleetmq-ami";

    /** ARN of an SSM parameter whose name starts with '/'. */
    public static String parameterArn(String account, String region, String parameterName) {
        return "arn:aws:ssm:" + region + ":" + account + ":parameter" + parameterName;
    }
}
