package io.fleetmq.bench.run;

import io.netty.handler.ssl.SslContext;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * One validated benchmark run, as the CLI parsed it (option letters as emqtt_bench's). Immutable.
 *
 * @param hosts          broker hosts; client i uses {@code hosts[i % size]}
 * @param count          clients in this process ({@code -c})
 * @param startNumber    sequence number of the first client ({@code -n}); client i has number start + i
 * @param connectIntervalNanos pause between two connects, derived from {@code -i} or {@code -R}
 * @param limit          {@code -L}: publishes in total for all clients of this process (0: unlimited)
 * @param inflight       {@code -F}: outbound QoS 1/2 publishes in flight per client (0: up to 65535)
 * @param durationSecs   stop after this long (0: no limit)
 * @param expect         sub: stop once this many messages arrived, and report the receive ratio (0: not given)
 * @param ifaddrs        source addresses, used round-robin (empty: the OS chooses)
 * @param ssl            client TLS context, or null
 * @param clientIdPrefix client ids are {@code prefix_<number>}
 */
public record BenchPlan(Mode mode, List<String> hosts, int port, int version, int count, long startNumber,
                        long connectIntervalNanos, String topic, int qos, int payloadSize, long publishIntervalMs,
                        long limit, int inflight, int keepAliveSecs, boolean cleanStart, long sessionExpirySecs,
                        String username, String password, List<InetAddress> ifaddrs, SslContext ssl,
                        long durationSecs, long expect, int ioThreads, String clientIdPrefix) {
    public BenchPlan {
        Objects.requireNonNull(mode, "mode");
        hosts = List.copyOf(hosts);
        ifaddrs = List.copyOf(ifaddrs);
    }

    /** Client id of client {@code i} (0-based) of this process. */
    public String clientId(int i) {
        return clientIdPrefix + "_" + (startNumber + i);
    }

    /** The topic of client {@code i}: {@code %i} is its sequence number, {@code %c} its client id. */
    public String topicFor(int i) {
        if (topic == null) {
            return null;
        }
        return topic.replace("%i", Long.toString(startNumber + i)).replace("%c", clientId(i));
    }

    /** Publishes client {@code i} sends: {@code -L} split evenly, the remainder to the first clients; -1 unlimited. */
    public long quotaFor(int i) {
        if (limit <= 0) {
            return -1;
        }
        return limit / count + (i < limit % count ? 1 : 0);
    }
}
