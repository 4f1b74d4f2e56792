package io.fleetmq.broker.transport;

import io.fleetmq.broker.metrics.BrokerStats;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.ProtocolDetectionResult;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * Sits before {@link HAProxyMessageDecoder} and looks at the first bytes only: a connection that does not start
 * with a PROXY v1 ("PROXY ") or v2 signature is closed at once, instead of the decoder waiting for a line end that
 * an MQTT client never sends. Once a signature is seen, the bytes pass on untouched and the gate leaves.
 */
final class ProxyProtocolGate extends ByteToMessageDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyProtocolGate.class);

    private final BrokerStats stats;

    ProxyProtocolGate(BrokerStats stats) {
        this.stats = stats;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        ProtocolDetectionResult<HAProxyProtocolVersion> r = HAProxyMessageDecoder.detectProtocol(in);
        switch (r.state()) {
            case NEEDS_MORE_DATA:
                return;
            case INVALID:
                stats.proxyProtocolRejected.increment();
                LOG.warn("addr={} closed: no valid PROXY protocol header (first bytes are not a PROXY v1/v2 "
                        + "signature)", describe(ctx));
                in.skipBytes(in.readableBytes());
                ctx.close();
                return;
            default:
                // Hand everything read so far to the decoder and step aside (ByteToMessageDecoder passes on what
                // is left in its buffer when removed).
                ctx.pipeline().remove(this);
        }
    }

    private static String describe(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress isa && isa.getAddress() != null
                ? isa.getAddress().getHostAddress() + ":" + isa.getPort() : String.valueOf(ctx.channel().remoteAddress());
    }
}
