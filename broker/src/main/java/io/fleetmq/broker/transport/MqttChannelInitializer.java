package io.fleetmq.broker.transport;

import io.fleetmq.broker.codec.PacketSizes;
import io.fleetmq.broker.protocol.BrokerContext;
import io.fleetmq.broker.protocol.ChannelHandlerNames;
import io.fleetmq.broker.protocol.MqttChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;

/**
 * Builds a client channel's pipeline, in this order: PROXY header (when the listener requires it, and only from a
 * trusted peer: any other is closed unread), TLS (tls, wss),
 * HTTP upgrade and WebSocket frames (ws, wss), then MQTT decoder, encoder and protocol handler (keep alive joins
 * after CONNECT). Connection bounds are counted here, before any byte is read.
 */
final class MqttChannelInitializer extends ChannelInitializer<SocketChannel> {
    /** The HTTP upgrade request is small; anything bigger is not a WebSocket client. */
    private static final int MAX_HTTP_REQUEST = 8192;

    private final BrokerContext ctx;
    private final ChannelGroup clients;
    private final Listener listener;
    private final MqttChannelHandler.Processors processors;
    private final ByteCounter byteCounter;

    MqttChannelInitializer(BrokerContext ctx, ChannelGroup clients, Listener listener) {
        this.ctx = ctx;
        this.clients = clients;
        this.listener = listener;
        this.processors = new MqttChannelHandler.Processors(ctx);
        this.byteCounter = new ByteCounter(ctx.stats());
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        if (listener.proxyProtocol() && !listener.trustedProxies().trusts(ch.remoteAddress())) {
            // Closed before any handler is added, so nothing of it is read or parsed and it counts against no
            // connection bound.
            ctx.stats().proxyProtocolUntrustedSource.increment();
            listener.trustedProxies().logRefused(ch.remoteAddress());
            ch.close();
            return;
        }
        clients.add(ch);
        ctx.limits().admit(ch, listener.open(), listener.maxConnections());
        int maxPacketSize = ctx.config().mqtt().maxPacketSize();
        ChannelPipeline p = ch.pipeline();
        // First, next to the socket: bytes as they cross the wire (PROXY header and TLS records included).
        p.addLast(ChannelHandlerNames.BYTE_COUNTER, byteCounter);
        if (listener.proxyProtocol()) {
            p.addLast(ChannelHandlerNames.PROXY_GATE, new ProxyProtocolGate(ctx.stats()))
                    .addLast(ChannelHandlerNames.PROXY_DECODER, new HAProxyMessageDecoder())
                    .addLast(ChannelHandlerNames.PROXY_HANDLER, new ProxyProtocolHandler(ctx.stats()));
        }
        if (listener.tls() != null) {
            p.addLast(ChannelHandlerNames.TLS, listener.tls().get().newHandler(ch.alloc()));
        }
        if (listener.webSocket()) {
            p.addLast(ChannelHandlerNames.HTTP_CODEC, new HttpServerCodec())
                    .addLast(ChannelHandlerNames.HTTP_AGGREGATOR, new HttpObjectAggregator(MAX_HTTP_REQUEST))
                    .addLast(ChannelHandlerNames.WEBSOCKET, new WebSocketServerProtocolHandler(
                            WebSocketServerProtocolConfig.newBuilder()
                                    .websocketPath(Listener.WEBSOCKET_PATH)
                                    .subprotocols(Listener.WEBSOCKET_SUBPROTOCOLS)
                                    // A frame never needs to exceed the largest packet; bigger ones are refused
                                    // before they are buffered.
                                    .maxFramePayloadLength(maxPacketSize)
                                    .build()))
                    .addLast(ChannelHandlerNames.WEBSOCKET_PATH_GUARD, new WebSocketPathGuard())
                    .addLast(ChannelHandlerNames.WEBSOCKET_FRAMES, new WebSocketFrameCodec());
        }
        // Netty bounds the Remaining Length and rejects a larger one from the header alone, before buffering the
        // body; converted so the limit is on the whole packet [MQTT-3.1.2-24].
        int maxRemainingLength = PacketSizes.maxRemainingLength(maxPacketSize);
        p.addLast(ChannelHandlerNames.MQTT_DECODER,
                        new MqttDecoder(maxRemainingLength, ctx.config().mqtt().maxClientIdLength()))
                .addLast(ChannelHandlerNames.MQTT_ENCODER, MqttEncoder.INSTANCE)
                .addLast(ChannelHandlerNames.MQTT_HANDLER, new MqttChannelHandler(processors));
    }
}
