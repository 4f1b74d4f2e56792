package io.fleetmq.broker.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * MQTT over WebSocket (spec 6.0): packets travel in binary frames, and one packet may span frames or one frame hold
 * several, so frame payloads simply feed the byte-stream MQTT decoder. A text frame is a protocol error that closes
 * the connection [MQTT-6.0.0-1]. Outbound, every encoded packet becomes one binary frame.
 */
final class WebSocketFrameCodec extends MessageToMessageCodec<WebSocketFrame, ByteBuf> {
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketFrameCodec.class);

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf msg, List<Object> out) {
        out.add(new BinaryWebSocketFrame(msg.retain()));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
        if (frame instanceof BinaryWebSocketFrame || frame instanceof ContinuationWebSocketFrame) {
            out.add(frame.content().retain());
            return;
        }
        LOG.warn("addr={} closed: {} on an MQTT WebSocket [MQTT-6.0.0-1]", ctx.channel().remoteAddress(),
                frame.getClass().getSimpleName());
        ctx.close();
    }
}
