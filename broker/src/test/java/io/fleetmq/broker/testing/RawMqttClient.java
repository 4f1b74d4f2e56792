package io.fleetmq.broker.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A protocol-level MQTT client for tests that need byte and packet precision: it never acknowledges, pings or
 * reconnects on its own, so a test decides exactly what goes on the wire.
 *
 * <p>Packets are encoded with Netty's {@link MqttEncoder} and decoded with {@link MqttDecoder} (v3.1, v3.1.1 and v5).
 * The codec keeps the protocol version in a channel attribute, which the encoder sets when it encodes a CONNECT; a
 * test that sends its CONNECT as raw bytes calls {@link #protocolVersion(MqttVersion)} so that replies decode right.
 *
 * <p>Buffers: a received PUBLISH is copied to an unpooled heap buffer (not leak-tracked) and the decoded buffer is
 * released on the event loop, so tests never have to release anything they receive. Messages passed to
 * {@link #send(MqttMessage)} are released by the encoder, as Netty's pipeline contract says.
 *
 * <pre>
 * try (RawMqttClient c = RawMqttClient.open(broker)) {
 *     c.connect("dev-1", MqttVersion.MQTT_3_1_1, true, 60, null);
 *     c.subscribe("a/#", MqttQoS.AT_LEAST_ONCE);
 *     MqttPublishMessage p = c.expect(MqttMessageType.PUBLISH, Duration.ofSeconds(5));
 * }
 * </pre>
 */
public final class RawMqttClient implements AutoCloseable {

    /** Same key as Netty's package-private {@code MqttCodecUtil.MQTT_VERSION_KEY} (AttributeKey names are pooled). */
    public static final AttributeKey<MqttVersion> MQTT_VERSION_KEY = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");

    /** Default bound for waits inside convenience methods. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private static final EventLoopGroup GROUP =
            new NioEventLoopGroup(2, new DefaultThreadFactory("raw-mqtt-client", true));

    private final Channel channel;
    private final BlockingQueue<MqttMessage> inbound;
    /** Messages read while waiting for something else (e.g. a PUBLISH before the SUBACK); served first. */
    private final Deque<MqttMessage> stash = new ArrayDeque<>();
    private final AtomicInteger nextPacketId = new AtomicInteger(1);

    private RawMqttClient(Channel channel, BlockingQueue<MqttMessage> inbound) {
        this.channel = channel;
        this.inbound = inbound;
    }

    public static RawMqttClient open(BrokerEndpoint broker) {
        return open(broker.host(), broker.port());
    }

    /** Opens a TCP connection (no MQTT packet is sent). */
    public static RawMqttClient open(String host, int port) {
        BlockingQueue<MqttMessage> inbound = new LinkedBlockingQueue<>();
        Bootstrap b = new Bootstrap()
                .group(GROUP)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast("decoder", new MqttDecoder(64 * 1024 * 1024))
                                .addLast("encoder", MqttEncoder.INSTANCE)
                                .addLast("collector", new Collector(inbound));
                    }
                });
        ChannelFuture f = b.connect(host, port);
        if (!f.awaitUninterruptibly(10, TimeUnit.SECONDS)) {
            f.cancel(true);
            throw new IllegalStateException("TCP connect to " + host + ":" + port + " timed out");
        }
        if (!f.isSuccess()) {
            throw new IllegalStateException("TCP connect to " + host + ":" + port + " failed", f.cause());
        }
        return new RawMqttClient(f.channel(), inbound);
    }

    // ------------------------------------------------------------------ raw I/O

    /** Tells the codec which protocol version this connection speaks (needed only when CONNECT was sent raw). */
    public RawMqttClient protocolVersion(MqttVersion version) {
        channel.attr(MQTT_VERSION_KEY).set(version);
        return this;
    }

    public MqttVersion protocolVersion() {
        MqttVersion v = channel.attr(MQTT_VERSION_KEY).get();
        return v == null ? MqttVersion.MQTT_3_1_1 : v;
    }

    /** Encodes and writes {@code msg}; waits (bounded) until it is written. Returns false if the write failed. */
    public boolean send(MqttMessage msg) {
        ChannelFuture f = channel.writeAndFlush(msg);
        return f.awaitUninterruptibly(DEFAULT_TIMEOUT.toMillis()) && f.isSuccess();
    }

    /** Writes bytes exactly as given, bypassing the encoder. Returns false if the write failed. */
    public boolean sendRaw(byte[] bytes) {
        ChannelFuture f = channel.writeAndFlush(Unpooled.wrappedBuffer(bytes));
        return f.awaitUninterruptibly(DEFAULT_TIMEOUT.toMillis()) && f.isSuccess();
    }

    /** Writes bytes given as hex ("30 0a 00 ..."; spaces ignored). */
    public boolean sendRawHex(String hex) {
        return sendRaw(ByteBufUtil.decodeHexDump(hex.replace(" ", "")));
    }

    /** Next decoded packet, or null if none arrives within {@code timeout}. Decoder failures are returned as messages
     * whose {@code decoderResult()} is a failure. */
    public MqttMessage receive(Duration timeout) {
        MqttMessage stashed = stash.pollFirst();
        if (stashed != null) {
            return stashed;
        }
        try {
            return inbound.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Next packet, which must be of {@code type} (else AssertionError naming what came instead, or that nothing came).
     */
    @SuppressWarnings("unchecked")
    public <T extends MqttMessage> T expect(MqttMessageType type, Duration timeout) {
        MqttMessage m = receive(timeout);
        if (m == null) {
            throw new AssertionError("expected " + type + " within " + timeout + " but nothing arrived"
                    + (isOpen() ? "" : " (connection closed)"));
        }
        if (m.fixedHeader() == null || m.fixedHeader().messageType() != type) {
            throw new AssertionError("expected " + type + " but received " + describe(m));
        }
        return (T) m;
    }

    /**
     * Waits for the first packet of {@code type} whose packet identifier is {@code packetId} (or any id when
     * {@code packetId < 0}); packets read on the way are kept, in order, for later {@link #receive} calls.
     */
    @SuppressWarnings("unchecked")
    public <T extends MqttMessage> T awaitPacket(MqttMessageType type, int packetId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<MqttMessage> skipped = new ArrayList<>();
        // look in the stash first
        for (Iterator<MqttMessage> it = stash.iterator(); it.hasNext(); ) {
            MqttMessage m = it.next();
            if (matches(m, type, packetId)) {
                it.remove();
                return (T) m;
            }
        }
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + type + (packetId >= 0 ? " id " + packetId : "")
                            + " within " + timeout + "; received instead: " + skipped.stream().map(RawMqttClient::describe).toList()
                            + (isOpen() ? "" : " (connection closed)"));
                }
                MqttMessage m;
                try {
                    m = inbound.poll(left, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
                if (m == null) {
                    continue;
                }
                if (matches(m, type, packetId)) {
                    return (T) m;
                }
                skipped.add(m);
            }
        } finally {
            stash.addAll(skipped);
        }
    }

    /** Everything that arrives until nothing has arrived for {@code quiet} (bounded by 10 x quiet overall). */
    public List<MqttMessage> drain(Duration quiet) {
        List<MqttMessage> out = new ArrayList<>(stash);
        stash.clear();
        long deadline = System.nanoTime() + quiet.toNanos() * 10;
        while (System.nanoTime() < deadline) {
            MqttMessage m = receive(quiet);
            if (m == null) {
                break;
            }
            out.add(m);
        }
        return out;
    }

    /** True once the connection is closed (by either side) within {@code timeout}. */
    public boolean awaitClosed(Duration timeout) {
        return channel.closeFuture().awaitUninterruptibly(timeout.toMillis());
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    public Channel channel() {
        return channel;
    }

    /** Closes the TCP connection without sending DISCONNECT (an "abnormal" close: the will is due). */
    public void dropConnection() {
        channel.close().awaitUninterruptibly(DEFAULT_TIMEOUT.toMillis());
    }

    /** Closes with a TCP RST (SO_LINGER 0), like a crashed device or a cut network. */
    public void resetConnection() {
        try {
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
        } catch (RuntimeException ignored) {
            // already closed
        }
        dropConnection();
    }

    @Override
    public void close() {
        dropConnection();
        stash.clear();
        inbound.clear();
    }

    public int nextPacketId() {
        int id = nextPacketId.getAndIncrement() & 0xFFFF;
        if (id == 0) {
            id = nextPacketId.getAndIncrement() & 0xFFFF;
        }
        return id;
    }

    // ------------------------------------------------------------------ convenience: CONNECT

    /** Sends CONNECT and returns the CONNACK (AssertionError if something else or nothing comes back). */
    public MqttConnAckMessage connect(String clientId, MqttVersion version, boolean cleanSession, int keepAlive,
                                      MqttProperties props) {
        return connect(connectBuilder(clientId, version, cleanSession, keepAlive, props).build());
    }

    /** A CONNECT builder pre-filled with the usual fields; add a will, credentials, ... then pass to {@link #connect(MqttConnectMessage)}. */
    public static MqttMessageBuilders.ConnectBuilder connectBuilder(String clientId, MqttVersion version,
                                                                    boolean cleanSession, int keepAlive,
                                                                    MqttProperties props) {
        return MqttMessageBuilders.connect()
                .clientId(clientId)
                .protocolVersion(version)
                .cleanSession(cleanSession)
                .keepAlive(keepAlive)
                .properties(props == null ? MqttProperties.NO_PROPERTIES : props);
    }

    /** A CONNECT carrying a will message. */
    public static MqttConnectMessage connectWithWill(String clientId, MqttVersion version, boolean cleanSession,
                                                     int keepAlive, String willTopic, byte[] willPayload,
                                                     MqttQoS willQos, boolean willRetain, MqttProperties willProps) {
        return connectBuilder(clientId, version, cleanSession, keepAlive, null)
                .willFlag(true)
                .willTopic(willTopic)
                .willMessage(willPayload)
                .willQoS(willQos)
                .willRetain(willRetain)
                .willProperties(willProps == null ? MqttProperties.NO_PROPERTIES : willProps)
                .build();
    }

    public MqttConnAckMessage connect(MqttConnectMessage connect) {
        if (!send(connect)) {
            throw new AssertionError("could not write CONNECT (connection closed?)");
        }
        return expect(MqttMessageType.CONNACK, DEFAULT_TIMEOUT);
    }

    // ------------------------------------------------------------------ convenience: PUBLISH and acks

    /** PUBLISH with a fresh packet id for QoS 1/2; returns the packet id (0 for QoS 0). Does not wait for acks. */
    public int publish(String topic, byte[] payload, MqttQoS qos, boolean retain) {
        int id = qos == MqttQoS.AT_MOST_ONCE ? 0 : nextPacketId();
        publish(topic, payload, qos, retain, false, id, null);
        return id;
    }

    public int publish(String topic, String payload, MqttQoS qos, boolean retain) {
        return publish(topic, payload.getBytes(StandardCharsets.UTF_8), qos, retain);
    }

    /** PUBLISH with every field chosen by the caller (DUP flag, packet id, v5 properties). */
    public boolean publish(String topic, byte[] payload, MqttQoS qos, boolean retain, boolean dup, int packetId,
                           MqttProperties props) {
        MqttFixedHeader fh = new MqttFixedHeader(MqttMessageType.PUBLISH, dup, qos, retain, 0);
        MqttPublishVariableHeader vh = new MqttPublishVariableHeader(topic, packetId,
                props == null ? MqttProperties.NO_PROPERTIES : props);
        return send(new MqttPublishMessage(fh, vh, Unpooled.wrappedBuffer(payload)));
    }

    /** PUBLISH and complete the QoS handshake (PUBACK, or PUBREC/PUBREL/PUBCOMP); returns the packet id. */
    public int publishAndAwaitAck(String topic, String payload, MqttQoS qos, boolean retain) {
        int id = publish(topic, payload, qos, retain);
        if (qos == MqttQoS.AT_LEAST_ONCE) {
            awaitPacket(MqttMessageType.PUBACK, id, DEFAULT_TIMEOUT);
        } else if (qos == MqttQoS.EXACTLY_ONCE) {
            awaitPacket(MqttMessageType.PUBREC, id, DEFAULT_TIMEOUT);
            pubrel(id);
            awaitPacket(MqttMessageType.PUBCOMP, id, DEFAULT_TIMEOUT);
        }
        return id;
    }

    public boolean puback(int packetId) {
        return send(ack(MqttMessageType.PUBACK, MqttQoS.AT_MOST_ONCE, packetId));
    }

    public boolean pubrec(int packetId) {
        return send(ack(MqttMessageType.PUBREC, MqttQoS.AT_MOST_ONCE, packetId));
    }

    public boolean pubrel(int packetId) {
        return send(ack(MqttMessageType.PUBREL, MqttQoS.AT_LEAST_ONCE, packetId));
    }

    public boolean pubcomp(int packetId) {
        return send(ack(MqttMessageType.PUBCOMP, MqttQoS.AT_MOST_ONCE, packetId));
    }

    /** Acknowledges a received PUBLISH as its QoS requires (QoS 2: PUBREC, then waits for PUBREL and sends PUBCOMP). */
    public void ackFully(MqttPublishMessage p) {
        int id = p.variableHeader().packetId();
        switch (p.fixedHeader().qosLevel()) {
            case AT_LEAST_ONCE -> puback(id);
            case EXACTLY_ONCE -> {
                pubrec(id);
                awaitPacket(MqttMessageType.PUBREL, id, DEFAULT_TIMEOUT);
                pubcomp(id);
            }
            default -> { }
        }
    }

    private static MqttMessage ack(MqttMessageType type, MqttQoS qos, int packetId) {
        return new MqttMessage(new MqttFixedHeader(type, false, qos, false, 0),
                MqttMessageIdVariableHeader.from(packetId));
    }

    // ------------------------------------------------------------------ convenience: SUBSCRIBE / UNSUBSCRIBE / misc

    /** SUBSCRIBE to one filter; returns the SUBACK (packets arriving before it stay queued for {@link #receive}). */
    public MqttSubAckMessage subscribe(String filter, MqttQoS qos) {
        return subscribe(filter, MqttSubscriptionOption.onlyFromQos(qos), null);
    }

    public MqttSubAckMessage subscribe(String filter, MqttSubscriptionOption option, MqttProperties props) {
        int id = nextPacketId();
        MqttMessageBuilders.SubscribeBuilder b = MqttMessageBuilders.subscribe().messageId(id)
                .addSubscription(filter, option);
        if (props != null) {
            b.properties(props);
        }
        if (!send(b.build())) {
            throw new AssertionError("could not write SUBSCRIBE (connection closed?)");
        }
        return awaitPacket(MqttMessageType.SUBACK, id, DEFAULT_TIMEOUT);
    }

    public MqttUnsubAckMessage unsubscribe(String filter) {
        int id = nextPacketId();
        if (!send(MqttMessageBuilders.unsubscribe().messageId(id).addTopicFilter(filter).build())) {
            throw new AssertionError("could not write UNSUBSCRIBE (connection closed?)");
        }
        return awaitPacket(MqttMessageType.UNSUBACK, id, DEFAULT_TIMEOUT);
    }

    public boolean pingreq() {
        return send(new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGREQ, false, MqttQoS.AT_MOST_ONCE, false, 0)));
    }

    /** Normal DISCONNECT (reason 0x00: no will), then closes the socket. */
    public void disconnect() {
        send(new MqttMessage(new MqttFixedHeader(MqttMessageType.DISCONNECT, false, MqttQoS.AT_MOST_ONCE, false, 0)));
        dropConnection();
    }

    /** v5 DISCONNECT with the given reason code (e.g. 0x04 Disconnect with Will Message), then closes the socket. */
    public void disconnect(byte reasonCode, MqttProperties props) {
        send(new MqttMessage(new MqttFixedHeader(MqttMessageType.DISCONNECT, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttReasonCodeAndPropertiesVariableHeader(reasonCode,
                        props == null ? MqttProperties.NO_PROPERTIES : props)));
        dropConnection();
    }

    // ------------------------------------------------------------------ helpers for assertions

    /** Payload of a received PUBLISH as UTF-8 (does not consume or release the buffer). */
    public static String payloadAsString(MqttPublishMessage p) {
        return p.payload().toString(StandardCharsets.UTF_8);
    }

    public static byte[] payloadBytes(MqttPublishMessage p) {
        return ByteBufUtil.getBytes(p.payload());
    }

    /** v5 reason code of a DISCONNECT (0x00 when the packet had none). */
    public static int disconnectReason(MqttMessage disconnect) {
        Object vh = disconnect.variableHeader();
        if (vh instanceof MqttReasonCodeAndPropertiesVariableHeader r) {
            return r.reasonCode() & 0xFF;
        }
        return 0;
    }

    /** Short description of a packet, for assertion messages. */
    public static String describe(MqttMessage m) {
        if (m == null) {
            return "nothing";
        }
        if (m.decoderResult() != null && m.decoderResult().isFailure()) {
            return "DECODE-FAILURE(" + m.decoderResult().cause() + ")";
        }
        MqttFixedHeader fh = m.fixedHeader();
        if (m instanceof MqttPublishMessage p) {
            return "PUBLISH(topic=" + p.variableHeader().topicName() + ", id=" + p.variableHeader().packetId()
                    + ", qos=" + fh.qosLevel().value() + ", dup=" + fh.isDup() + ", retain=" + fh.isRetain()
                    + ", payload=" + payloadAsString(p) + ")";
        }
        return fh.messageType() + "(" + m.variableHeader() + ")";
    }

    private static boolean matches(MqttMessage m, MqttMessageType type, int packetId) {
        if (m.fixedHeader() == null || m.fixedHeader().messageType() != type) {
            return false;
        }
        if (packetId < 0) {
            return true;
        }
        Object vh = m.variableHeader();
        if (vh instanceof MqttMessageIdVariableHeader idh) {
            return idh.messageId() == packetId;
        }
        if (vh instanceof MqttPublishVariableHeader pvh) {
            return pvh.packetId() == packetId;
        }
        if (vh instanceof io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader ipv) {
            return ipv.messageId() == packetId;
        }
        return false;
    }

    /** Copies every PUBLISH payload to the heap and releases the decoded buffer, then queues the packet. */
    private static final class Collector extends SimpleChannelInboundHandler<MqttMessage> {
        private final BlockingQueue<MqttMessage> inbound;

        Collector(BlockingQueue<MqttMessage> inbound) {
            super(MqttMessage.class, false);
            this.inbound = inbound;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, MqttMessage msg) {
            try {
                if (msg instanceof MqttPublishMessage p) {
                    ByteBuf copy = Unpooled.wrappedBuffer(ByteBufUtil.getBytes(p.payload()));
                    inbound.add(new MqttPublishMessage(p.fixedHeader(), p.variableHeader(), copy));
                } else {
                    inbound.add(msg);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // a reset by the broker is an expected outcome in bad-input tests; just close
            ctx.close();
        }
    }
}
