package io.fleetmq.broker.transport;

import io.fleetmq.broker.auth.AddressBlock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The peers a PROXY protocol listener believes ({@code listeners.<name>.proxyProtocolTrustedNetworks}): a PROXY
 * header names the client's address, and every address-based rule (failed-login limiter, {@code addr} ACL rules,
 * the audit log) uses it, so a header is only as trustworthy as the peer that sent it. A connection from any other
 * peer is refused before a byte of it is read.
 * <p>
 * Refusals are logged at WARN at most once per {@link #LOG_INTERVAL_NANOS} (with the number left unlogged), so a
 * scan cannot flood the log; each is counted in {@code fleetmq_proxy_headers_refused_total{reason="untrusted_source"}}.
 */
final class TrustedProxies {
    private static final Logger LOG = LoggerFactory.getLogger(TrustedProxies.class);
    private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

    private final String listener;
    private final List<AddressBlock> networks;
    private final AtomicLong nextWarnNanos = new AtomicLong(System.nanoTime());
    private final AtomicLong unlogged = new AtomicLong();

    private TrustedProxies(String listener, List<AddressBlock> networks) {
        this.listener = listener;
        this.networks = List.copyOf(networks);
    }

    /** @param cidrs already validated by the config schema */
    static TrustedProxies of(String listener, List<String> cidrs) {
        return new TrustedProxies(listener, cidrs.stream().map(AddressBlock::parse).toList());
    }

    boolean trusts(SocketAddress peer) {
        if (!(peer instanceof InetSocketAddress isa) || isa.getAddress() == null) {
            return false;
        }
        for (AddressBlock n : networks) {
            if (n.contains(isa.getAddress())) {
                return true;
            }
        }
        return false;
    }

    /** Logs one refusal: WARN when the interval has passed, DEBUG otherwise. */
    void logRefused(SocketAddress peer) {
        long now = System.nanoTime();
        long next = nextWarnNanos.get();
        if (now - next >= 0 && nextWarnNanos.compareAndSet(next, now + LOG_INTERVAL_NANOS)) {
            LOG.warn("addr={} closed: not in listeners.{}.proxyProtocolTrustedNetworks, so its PROXY header would "
                    + "not be believed ({} more such connections not logged since the last line)",
                    describe(peer), listener, unlogged.getAndSet(0));
        } else {
            unlogged.incrementAndGet();
            LOG.debug("addr={} closed: not in listeners.{}.proxyProtocolTrustedNetworks", describe(peer), listener);
        }
    }

    private static String describe(SocketAddress a) {
        return a instanceof InetSocketAddress isa && isa.getAddress() != null
                ? isa.getAddress().getHostAddress() + ":" + isa.getPort() : String.valueOf(a);
    }
}
