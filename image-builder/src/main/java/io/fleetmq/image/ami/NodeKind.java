package io.fleetmq.image.ami;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What {@code targets.ami.template} names: the kind of node {@code packer/fleetmq-node.pkr.hcl} builds. The kinds differ
 * only in the source AMI's login user (Debian's {@code admin}, Amazon Linux's {@code ec2-user}); everything else comes
 * from the manifest.
 */
public enum NodeKind {
    BROKER_NODE("broker-node", "admin"),
    EKS_NODE("eks-node", "ec2-user");

    private final String kind;
    private final String sshUsername;

    NodeKind(String kind, String sshUsername) {
        this.kind = kind;
        this.sshUsername = sshUsername;
    }

    public static Optional<NodeKind> of(String kind) {
        return Arrays.stream(values()).filter(k -> k.kind.equals(kind)).findFirst();
    }

    public static String names() {
        return Arrays.stream(values()).map(NodeKind::kind).collect(Collectors.joining(", "));
    }

    public String kind() {
        return kind;
    }

    public String sshUsername() {
        return sshUsername;
    }
}
