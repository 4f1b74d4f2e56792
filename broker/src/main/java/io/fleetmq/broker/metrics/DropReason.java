package io.fleetmq.broker.metrics;

/** Why a copy of a message for one subscriber was not delivered: the {@code reason} tag of messages dropped. */
public enum DropReason {
    /** The session's queue held {@code sessions.maxQueuedMessages} already; the newest is dropped. */
    QUEUE_FULL("queue_full", "emqx_delivery_dropped_queue_full"),
    /** The v5 message expiry interval passed before delivery [MQTT-3.3.2-5]. */
    EXPIRED("expired", "emqx_delivery_dropped_expired"),
    /** Larger than the client's Maximum Packet Size [MQTT-3.1.2-25]. */
    TOO_LARGE("too_large", "emqx_delivery_dropped_too_large"),
    /**
     * QoS 0 to a client reading too slowly: what waits to be written to it already held
     * {@code sessions.maxQueuedMessages} packets or {@code limits.maxOutboundBytesPerClient} bytes.
     */
    SLOW_CONSUMER("slow_consumer", "emqx_delivery_dropped_qos0_msg"),
    /** A shared-subscription message whose member left, with no other member to take it. */
    NO_SHARED_MEMBER("no_shared_member", "— (no EMQX equivalent)"),
    /**
     * The subscriber's current ACL denies reading the topic (the ACL changed after SUBSCRIBE, or a resumed session
     * holds a subscription its client may no longer use): checked at every delivery.
     */
    NOT_AUTHORIZED("not_authorized", "emqx_authorization_deny (subscribe side)"),
    /** A PUBLISH refused at receipt: denied by the ACL or over the client's publish quota (v5 0x87 / 0x97). */
    REFUSED("refused", "emqx_authorization_deny (publish) / emqx_messages_dropped_quota_exceeded");

    private final String label;
    private final String emqx;

    DropReason(String label, String emqx) {
        this.label = label;
        this.emqx = emqx;
    }

    public String label() {
        return label;
    }

    public String emqx() {
        return emqx;
    }
}
