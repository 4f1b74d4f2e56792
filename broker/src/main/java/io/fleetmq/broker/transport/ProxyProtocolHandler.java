package io.fleetmq.broker.transport;

import io.fleetmq.broker.metrics.BrokerStats;
import io.fleetmq.broker.protocol.ClientAddress;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Follows Netty's {@code HAProxyMessageDecoder} on a listener with {@code proxyProtocol: true}: takes the real
 * client address from the PROXY v1/v2 header, tells the connection (a {@link ClientAddress} event), and leaves the
 * pipeline. A connection whose first bytes are not a valid header is closed with one log line; nothing of it reaches
 * the MQTT decoder. A v2 LOCAL header (the load balancer's own health check) keeps the socket's address.
 */
final class ProxyProtocolHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyProtocolHandler.class);

    private final BrokerStats stats;

    ProxyProtocolHandler(BrokerStats stats) {
        this.stats = stats;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HAProxyMessage header)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (header.command() == HAProxyCommand.PROXY && header.sourceAddress() != null) {
                ctx.fireUserEventTriggered(new ClientAddress(
                        InetSocketAddress.createUnresolved(header.sourceAddress(), header.sourcePort())));
            }
        } finally {
            ReferenceCountUtil.release(header);
        }
        // The decoder removes itself once it has read the header (passing on any bytes after it); this one goes too.
        ctx.pipeline().remove(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof HAProxyProtocolException || cause.getCause() instanceof HAProxyProtocolException) {
            stats.proxyProtocolRejected.increment();
            SocketAddress peer = ctx.channel().remoteAddress();
            LOG.warn("addr={} closed: no valid PROXY protocol header ({})", describe(peer), cause.getMessage());
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    private static String describe(SocketAddress a) {
        return a instanceof InetSocketAddress isa && isa.getAddress() != null
                ? isa.getAddress().getHostAddress() + ":" + isa.getPort() : String.valueOf(a);
    }
}
