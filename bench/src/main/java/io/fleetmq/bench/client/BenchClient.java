package io.fleetmq.bench.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A minimal asynchronous MQTT client for load generation: one Netty channel, no thread of its own. Connect through
 * {@link ClientFactory#connect}. All state is confined to the channel's event loop; public methods may be called
 * from any thread and hop onto the loop when needed.
 * <p>
 * Outbound QoS 1 completes on PUBACK; QoS 2 sends PUBREL on PUBREC and completes on PUBCOMP [MQTT-4.3.3].
 * Inbound QoS 1 is answered with PUBACK, inbound QoS 2 with PUBREC, and PUBREL with PUBCOMP [MQTT-4.3.2, 4.3.3].
 * No retransmission: a benchmark run that loses its connection counts it, it does not resume.
 */
public final class BenchClient extends ChannelInboundHandlerAdapter {
    private static final Object SUBSCRIBE_MARK = new Object();
    private static final Object QOS1 = new Object();
    private static final Object QOS2_SENT = new Object();
    private static final Object QOS2_RELEASED = new Object();

    private final ClientSettings settings;
    private final ClientListener listener;
    private final CompletableFuture<BenchClient> connected = new CompletableFuture<>();
    /** Packet id → state of an outbound exchange (QoS 1/2 publish, SUBSCRIBE). Event loop only. */
    private final IntObjectHashMap<Object> inflight = new IntObjectHashMap<>(4);
    private final IntObjectHashMap<CompletableFuture<Integer>> subscriptions = new IntObjectHashMap<>(1);
    private Channel channel;
    private int nextPacketId = 1;
    private int publishesInflight;
    private boolean connackReceived;
    private volatile boolean closing;
    private ScheduledFuture<?> pinger;

    BenchClient(ClientSettings settings, ClientListener listener) {
        this.settings = settings;
        this.listener = listener;
    }

    public ClientSettings settings() {
        return settings;
    }

    public String clientId() {
        return settings.clientId();
    }

    /** Completes with this client on an accepted CONNACK, exceptionally on refusal or connection failure. */
    public CompletableFuture<BenchClient> connectFuture() {
        return connected;
    }

    /** The local (source) address of the connection, or null before it is connected. */
    public InetSocketAddress localAddress() {
        Channel ch = channel;
        return ch == null ? null : (InetSocketAddress) ch.localAddress();
    }

    public boolean isActive() {
        Channel ch = channel;
        return ch != null && ch.isActive();
    }

    public boolean isWritable() {
        Channel ch = channel;
        return ch != null && ch.isWritable();
    }

    /** Outbound QoS 1/2 publishes not yet completed. Event loop only. */
    public int publishesInflight() {
        return publishesInflight;
    }

    public io.netty.channel.EventLoop eventLoop() {
        return channel.eventLoop();
    }

    /** SUBSCRIBE to one filter; completes with the SUBACK return code (0x80 or above: refused). */
    public CompletableFuture<Integer> subscribe(String filter, int qos) {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        channel.eventLoop().execute(() -> {
            int id = allocatePacketId();
            if (id == 0) {
                f.completeExceptionally(new IllegalStateException("no free packet identifier"));
                return;
            }
            inflight.put(id, SUBSCRIBE_MARK);
            subscriptions.put(id, f);
            channel.writeAndFlush(MqttMessageBuilders.subscribe().messageId(id)
                    .addSubscription(MqttQoS.valueOf(qos), filter).build());
        });
        return f;
    }

    /**
     * Writes a PUBLISH (not flushed: call {@link #flush()}). Takes ownership of {@code payload}. Event loop only.
     *
     * @return false if no packet identifier was free (QoS 1/2 with 65535 in flight); the payload is then released
     */
    public boolean publish(String topic, int qos, ByteBuf payload) {
        int id = 0;
        if (qos > 0) {
            id = allocatePacketId();
            if (id == 0) {
                payload.release();
                return false;
            }
            inflight.put(id, qos == 1 ? QOS1 : QOS2_SENT);
            publishesInflight++;
        }
        // Built directly: the payload is handed over as is (no copy) and released by the encoder.
        MqttPublishMessage msg = new MqttPublishMessage(
                new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.valueOf(qos), false, 0),
                new MqttPublishVariableHeader(topic, id), payload);
        channel.write(msg, channel.voidPromise());
        return true;
    }

    public void flush() {
        channel.flush();
    }

    /** Sends DISCONNECT and closes. Safe to call more than once and from any thread. */
    public void close() {
        closing = true;
        Channel ch = channel;
        if (ch == null) {
            return;
        }
        if (ch.isActive() && connackReceived) {
            ch.writeAndFlush(new MqttMessage(new MqttFixedHeader(MqttMessageType.DISCONNECT, false,
                    MqttQoS.AT_MOST_ONCE, false, 0))).addListener(f -> ch.close());
        } else {
            ch.close();
        }
    }

    private int allocatePacketId() {
        for (int tries = 0; tries < 65535; tries++) {
            int id = nextPacketId;
            nextPacketId = id == 65535 ? 1 : id + 1;
            if (!inflight.containsKey(id)) {
                return id;
            }
        }
        return 0;
    }

    // --- Netty handler ---

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        MqttMessageBuilders.ConnectBuilder b = MqttMessageBuilders.connect()
                .clientId(settings.clientId())
                .protocolVersion(version(settings.version()))
                .cleanSession(settings.cleanStart())
                .keepAlive(settings.keepAliveSecs());
        if (settings.username() != null) {
            b.hasUser(true).username(settings.username());
        }
        if (settings.password() != null) {
            b.hasPassword(true).password(settings.password().getBytes(StandardCharsets.UTF_8));
        }
        if (settings.version() == 5 && settings.sessionExpirySecs() > 0) {
            MqttProperties props = new MqttProperties();
            props.add(new MqttProperties.IntegerProperty(
                    MqttProperties.MqttPropertyType.SESSION_EXPIRY_INTERVAL.value(),
                    (int) Math.min(settings.sessionExpirySecs(), 0xFFFFFFFFL)));
            b.properties(props);
        }
        ctx.writeAndFlush(b.build());
        ctx.fireChannelActive();
    }

    static MqttVersion version(int v) {
        return switch (v) {
            case 3 -> MqttVersion.MQTT_3_1;
            case 4 -> MqttVersion.MQTT_3_1_1;
            default -> MqttVersion.MQTT_5;
        };
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof MqttMessage m)) {
            io.netty.util.ReferenceCountUtil.release(msg);
            return;
        }
        try {
            if (m.decoderResult().isFailure()) {
                fail(ctx, "undecodable packet from broker: " + m.decoderResult().cause());
                return;
            }
            switch (m.fixedHeader().messageType()) {
                case CONNACK -> onConnack(ctx, (MqttConnAckMessage) m);
                case SUBACK -> onSuback((MqttSubAckMessage) m);
                case PUBLISH -> onPublish(ctx, (MqttPublishMessage) m);
                case PUBACK -> onPuback(packetId(m));
                case PUBREC -> onPubrec(ctx, packetId(m));
                case PUBREL -> ctx.write(reply(MqttMessageType.PUBCOMP, packetId(m)), ctx.voidPromise());
                case PUBCOMP -> onPubcomp(packetId(m));
                case DISCONNECT -> ctx.close();
                default -> {
                    // PINGRESP, UNSUBACK, AUTH: nothing to do
                }
            }
        } finally {
            io.netty.util.ReferenceCountUtil.release(m);
        }
    }

    private static int packetId(MqttMessage m) {
        return ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
    }

    private static MqttMessage reply(MqttMessageType type, int id) {
        MqttQoS qos = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
        return new MqttMessage(new MqttFixedHeader(type, false, qos, false, 0), MqttMessageIdVariableHeader.from(id));
    }

    private void onConnack(ChannelHandlerContext ctx, MqttConnAckMessage m) {
        MqttConnectReturnCode code = m.variableHeader().connectReturnCode();
        if (code != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
            fail(ctx, "CONNACK " + code);
            return;
        }
        connackReceived = true;
        int keepAlive = settings.keepAliveSecs();
        if (keepAlive > 0) {
            MqttMessage ping = new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGREQ, false,
                    MqttQoS.AT_MOST_ONCE, false, 0));
            pinger = ctx.executor().scheduleAtFixedRate(() -> ctx.writeAndFlush(ping, ctx.voidPromise()),
                    keepAlive, keepAlive, TimeUnit.SECONDS);
        }
        connected.complete(this);
    }

    private void onSuback(MqttSubAckMessage m) {
        int id = m.variableHeader().messageId();
        inflight.remove(id);
        CompletableFuture<Integer> f = subscriptions.remove(id);
        if (f != null) {
            var codes = m.payload().reasonCodes();
            f.complete(codes.isEmpty() ? 0x80 : codes.get(0));
        }
    }

    private void onPublish(ChannelHandlerContext ctx, MqttPublishMessage m) {
        listener.onMessage(this, m.variableHeader().topicName(), m.payload());
        switch (m.fixedHeader().qosLevel()) {
            case AT_LEAST_ONCE -> ctx.write(reply(MqttMessageType.PUBACK, m.variableHeader().packetId()),
                    ctx.voidPromise());
            case EXACTLY_ONCE -> ctx.write(reply(MqttMessageType.PUBREC, m.variableHeader().packetId()),
                    ctx.voidPromise());
            default -> {
            }
        }
    }

    private void onPuback(int id) {
        if (inflight.get(id) == QOS1) {
            inflight.remove(id);
            completed();
        }
    }

    private void onPubrec(ChannelHandlerContext ctx, int id) {
        Object state = inflight.get(id);
        if (state == QOS2_SENT || state == QOS2_RELEASED) {
            inflight.put(id, QOS2_RELEASED);
            ctx.write(reply(MqttMessageType.PUBREL, id), ctx.voidPromise());
        }
    }

    private void onPubcomp(int id) {
        if (inflight.get(id) == QOS2_RELEASED) {
            inflight.remove(id);
            completed();
        }
    }

    private void completed() {
        publishesInflight--;
        listener.onPublishComplete(this);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            listener.onWritable(this);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (pinger != null) {
            pinger.cancel(false);
        }
        subscriptions.forEach((id, f) -> f.completeExceptionally(new ConnectFailedException("connection closed")));
        subscriptions.clear();
        if (!connected.isDone()) {
            connected.completeExceptionally(new ConnectFailedException("connection closed before CONNACK"));
        } else if (!closing) {
            listener.onConnectionLost(this);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, String.valueOf(cause.getMessage()));
    }

    private void fail(ChannelHandlerContext ctx, String reason) {
        if (!connected.isDone()) {
            connected.completeExceptionally(new ConnectFailedException(reason));
        }
        ctx.close();
    }
}
