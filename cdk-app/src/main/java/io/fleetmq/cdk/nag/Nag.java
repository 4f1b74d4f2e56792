package io.fleetmq.cdk.nag;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import software.constructs.IConstruct;

import java.util.Arrays;
import java.util.List;

/**
 * cdk-nag suppressions, each placed beside the construct it concerns, with the reason a security reviewer reads.
 * {@code appliesTo} narrows IAM4/IAM5 suppressions to the named managed policies or resources, so a new wildcard or
 * managed policy on the same role is still reported.
 */
public final class Nag {

    /** AWS managed policy ARN in the form cdk-nag reports it. */
    public static String managedPolicy(String name) {
        return "Policy::arn:<AWS::Partition>:iam::aws:policy/" + name;
    }

    private Nag() {
    }

    /** Suppresses {@code ruleId} on {@code construct} only (not its children). */
    public static void suppress(IConstruct construct, String ruleId, String reason, String... appliesTo) {
        NagSuppressions.addResourceSuppressions(construct, List.of(suppression(ruleId, reason, appliesTo)), false);
    }

    /** Suppresses {@code ruleId} on {@code construct} and every construct below it (CDK-owned helper trees). */
    public static void suppressTree(IConstruct construct, String ruleId, String reason, String... appliesTo) {
        NagSuppressions.addResourceSuppressions(construct, List.of(suppression(ruleId, reason, appliesTo)), true);
    }

    private static NagPackSuppression suppression(String ruleId, String reason, String... appliesTo) {
        NagPackSuppression.Builder b = NagPackSuppression.builder().id(ruleId).reason(reason);
        if (appliesTo.length > 0) {
            b.appliesTo(Arrays.asList((Object[]) appliesTo));
        }
        return b.build();
    }
}
