package io.fleetmq.broker.protocol;

import java.net.InetSocketAddress;

/**
 * User event fired by the transport when a PROXY protocol header named the real client address; the connection
 * uses it instead of the load balancer's address in logs, the audit log and rate limits.
 */
public record ClientAddress(InetSocketAddress address) {
}
