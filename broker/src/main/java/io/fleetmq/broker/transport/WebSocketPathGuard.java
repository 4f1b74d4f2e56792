package io.fleetmq.broker.transport;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;

/**
 * Follows the WebSocket handshake handler, which passes on any HTTP request that is not an upgrade on
 * {@value Listener#WEBSOCKET_PATH}: such a request gets 404 and the connection is closed, instead of waiting for the
 * connect timeout.
 */
final class WebSocketPathGuard extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest req) {
            DefaultFullHttpResponse res = new DefaultFullHttpResponse(req.protocolVersion(),
                    HttpResponseStatus.NOT_FOUND);
            res.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
            ReferenceCountUtil.release(req);
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.fireChannelRead(msg);
    }
}
