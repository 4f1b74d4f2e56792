package io.fleetmq.cdk.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CPU architecture of an EC2 instance type, read from its name: a {@code g} right after the generation digit is
 * AWS Graviton (c7g, m6gd, c6gn, t4g), anything else of the families the node groups use is x86_64. An AMI boots only
 * on its own architecture, so every node group of an environment and the golden AMI must agree.
 */
public enum NodeArchitecture {
    X86_64("x86_64"),
    ARM64("arm64");

    private static final Pattern FAMILY = Pattern.compile("([a-z]+)(\\d+)([a-z-]*)\\..+");

    private final String amiName;

    NodeArchitecture(String amiName) {
        this.amiName = amiName;
    }

    public static NodeArchitecture of(String instanceType) {
        Matcher m = FAMILY.matcher(instanceType);
        if (!m.matches()) {
            throw new IllegalArgumentException("not an EC2 instance type: " + instanceType);
        }
        return m.group(3).startsWith("g") ? ARM64 : X86_64;
    }

    /** How the EKS-optimized AMIs name it ({@code amazon-eks-node-al2023-<this>-standard-...}). */
    public String amiName() {
        return amiName;
    }
}
