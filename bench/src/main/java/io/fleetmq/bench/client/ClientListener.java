package io.fleetmq.bench.client;

import io.netty.buffer.ByteBuf;

/** Events of one {@link BenchClient}, always called on that client's event-loop thread. */
public interface ClientListener {

    /** An inbound PUBLISH. The payload is released after this returns; do not keep it. */
    default void onMessage(BenchClient client, String topic, ByteBuf payload) {
    }

    /** An outbound QoS 1 or 2 publish completed (PUBACK, or PUBCOMP after PUBREC/PUBREL). */
    default void onPublishComplete(BenchClient client) {
    }

    /** The channel became writable again after back-pressure. */
    default void onWritable(BenchClient client) {
    }

    /** The connection closed after CONNACK (not called when the connect itself failed, nor after {@link BenchClient#close()}). */
    default void onConnectionLost(BenchClient client) {
    }
}
