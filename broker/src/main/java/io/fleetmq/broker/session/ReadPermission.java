package io.fleetmq.broker.session;

/**
 * Whether the client a session serves may currently receive a message on a topic. Asked for every delivery, not
 * only at SUBSCRIBE, so an ACL reload or a resumed session never lets through what the current rules deny. Called
 * with the session's lock held, by one session only, so an implementation may keep unsynchronized state.
 */
@FunctionalInterface
public interface ReadPermission {

    /** Everything is readable: no ACL, or no authenticated client yet (a session handed over from another node). */
    ReadPermission ALL = topic -> true;

    boolean mayRead(String topic);

    /**
     * Whether the client may read every topic {@code filter} matches: then a message that matched a subscription
     * with this filter needs no check of its own topic. False when not known.
     */
    default boolean mayReadAllOf(String filter) {
        return false;
    }
}
