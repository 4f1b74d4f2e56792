package io.fleetmq.broker.session;

/**
 * Whether a client may publish to a topic under the rules in force now. A will carries one, so it is authorized
 * again when it fires: the ACL may have changed since CONNECT.
 */
@FunctionalInterface
public interface PublishPermission {

    PublishPermission ALL = topic -> true;

    boolean mayPublish(String topic);
}
