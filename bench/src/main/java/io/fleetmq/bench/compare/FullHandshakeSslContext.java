package io.fleetmq.bench.compare;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolNegotiator;
import io.netty.handler.ssl.SslContext;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSessionContext;
import java.util.List;

/**
 * A client {@link SslContext} whose every connection makes a full TLS handshake. The JDK client resumes a session
 * (TLS 1.2 session id or ticket, TLS 1.3 PSK) only for an engine created with the peer's host and port, since that is
 * the key of its session cache; this context hands out engines without them, so there is never a session to resume
 * and the TLS connect workload measures full handshakes (key exchange and both certificate verifications) every time.
 * Host names are not checked by the bench clients anyway (see --cacertfile), so nothing else changes.
 */
final class FullHandshakeSslContext extends SslContext {
    private final SslContext client;

    FullHandshakeSslContext(SslContext client) {
        if (!client.isClient()) {
            throw new IllegalArgumentException("a client context is needed");
        }
        this.client = client;
    }

    @Override
    public SSLEngine newEngine(ByteBufAllocator alloc, String peerHost, int peerPort) {
        return client.newEngine(alloc);
    }

    @Override
    public SSLEngine newEngine(ByteBufAllocator alloc) {
        return client.newEngine(alloc);
    }

    @Override
    public boolean isClient() {
        return true;
    }

    @Override
    public List<String> cipherSuites() {
        return client.cipherSuites();
    }

    @Override
    @SuppressWarnings("deprecation")
    public ApplicationProtocolNegotiator applicationProtocolNegotiator() {
        return client.applicationProtocolNegotiator();
    }

    @Override
    public SSLSessionContext sessionContext() {
        return client.sessionContext();
    }
}
