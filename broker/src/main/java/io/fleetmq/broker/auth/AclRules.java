package io.fleetmq.broker.auth;

import java.util.List;

/**
 * An ordered rule list: the first rule that applies decides; when rules exist and none applies, the answer is deny.
 * An empty list allows everything (no ACL configured). A rule whose {@code %u}/{@code %c} cannot be resolved for the
 * client (see {@link AclRule#resolve}) never allows; if it is a deny rule it denies whatever it was asked, so an
 * unbound client id can narrow what a client may do but never widen it.
 */
public record AclRules(List<AclRule> rules) {

    public AclRules {
        rules = List.copyOf(rules);
    }

    public static final AclRules NONE = new AclRules(List.of());

    /** May {@code p} publish to {@code topic}? */
    public boolean mayPublish(Principal p, String topic) {
        if (rules.isEmpty()) {
            return true;
        }
        for (AclRule r : rules) {
            if (!r.appliesTo(p, AclRule.Action.PUBLISH)) {
                continue;
            }
            String pattern = r.resolve(p);
            if (pattern == null) {
                if (!r.allow()) {
                    return false; // a deny rule that cannot be resolved denies rather than step aside
                }
                continue;
            }
            if (TopicPatterns.covers(pattern, topic)) {
                return r.allow();
            }
        }
        return false;
    }

    /**
     * May {@code p} subscribe to {@code filter}? An allow rule applies when its pattern covers the whole filter; a
     * deny rule when it overlaps any part of it.
     */
    public boolean maySubscribe(Principal p, String filter) {
        if (rules.isEmpty()) {
            return true;
        }
        for (AclRule r : rules) {
            if (!r.appliesTo(p, AclRule.Action.SUBSCRIBE)) {
                continue;
            }
            String pattern = r.resolve(p);
            if (pattern == null) {
                if (!r.allow()) {
                    return false; // a deny rule that cannot be resolved denies rather than step aside
                }
                continue;
            }
            if (r.allow() ? TopicPatterns.covers(pattern, filter) : TopicPatterns.overlaps(pattern, filter)) {
                return r.allow();
            }
        }
        return false;
    }
}
