package io.fleetmq.broker.transport;

import io.fleetmq.broker.codec.PacketSizes;
import io.fleetmq.broker.protocol.BrokerContext;
import io.fleetmq.broker.protocol.ChannelHandlerNames;
import io.fleetmq.broker.protocol.MqttChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;

/** Builds a client channel's pipeline: MQTT decoder, encoder, protocol handler (keep alive joins after CONNECT). */
final class MqttChannelInitializer extends ChannelInitializer<SocketChannel> {
    private final BrokerContext ctx;
    private final ChannelGroup clients;
    private final MqttChannelHandler.Processors processors;
    private final ByteCounter byteCounter;

    MqttChannelInitializer(BrokerContext ctx, ChannelGroup clients) {
        this.ctx = ctx;
        this.clients = clients;
        this.processors = new MqttChannelHandler.Processors(ctx);
        this.byteCounter = new ByteCounter(ctx.stats());
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        clients.add(ch);
        int maxPacketSize = ctx.config().mqtt().maxPacketSize();
        // Netty bounds the Remaining Length and rejects a larger one from the header alone, before buffering the
        // body; converted so the limit is on the whole packet [MQTT-3.1.2-24].
        int maxRemainingLength = PacketSizes.maxRemainingLength(maxPacketSize);
        ch.pipeline()
                .addLast(ChannelHandlerNames.BYTE_COUNTER, byteCounter)
                .addLast(ChannelHandlerNames.MQTT_DECODER,
                        new MqttDecoder(maxRemainingLength, ctx.config().mqtt().maxClientIdLength()))
                .addLast(ChannelHandlerNames.MQTT_ENCODER, MqttEncoder.INSTANCE)
                .addLast(ChannelHandlerNames.MQTT_HANDLER, new MqttChannelHandler(processors));
    }
}
