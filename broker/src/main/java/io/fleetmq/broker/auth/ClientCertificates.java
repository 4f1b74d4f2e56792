package io.fleetmq.broker.auth;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;

import javax.net.ssl.SSLPeerUnverifiedException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

/** The client certificate a TLS listener verified for a channel, if any. */
public final class ClientCertificates {
    private ClientCertificates() {
    }

    /**
     * The leaf certificate, or null when the channel is not TLS or the client sent none. The handshake has finished
     * by the time CONNECT is decoded (CONNECT travels inside the TLS session), so the session is complete here.
     */
    public static X509Certificate verifiedPeer(Channel channel) {
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return null;
        }
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x ? x : null;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }
}
