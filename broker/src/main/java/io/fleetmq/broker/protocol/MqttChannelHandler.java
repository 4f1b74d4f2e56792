package io.fleetmq.broker.protocol;

import io.fleetmq.broker.codec.DecodeFailure;
import io.fleetmq.broker.codec.DecoderFailures;
import io.fleetmq.broker.codec.MqttVersions;
import io.fleetmq.broker.metrics.CloseReason;
import io.fleetmq.broker.session.Will;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The last handler of a client pipeline: turns decoded packets into protocol actions, in the channel's event loop.
 * Any protocol violation closes only this connection (v5: DISCONNECT with the reason first), with one log line.
 */
public final class MqttChannelHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(MqttChannelHandler.class);

    private final BrokerContext ctx;
    private final ConnectProcessor connectProcessor;
    private final PublishProcessor publishProcessor;
    private final SubscribeProcessor subscribeProcessor;
    private MqttConnection conn;
    private ScheduledFuture<?> connectTimeout;
    /**
     * Packets that arrived while CONNECT was still being decided (the authentication chain, then in a cluster the
     * claim of the client id); processed in order once it has been answered. Reading from the socket is paused
     * meanwhile, so this holds at most one read's worth.
     */
    private ArrayDeque<MqttMessage> heldBack;
    /** Set when the client ended with DISCONNECT 0x00: its will is discarded [MQTT-3.1.2-10]. */
    private boolean normalDisconnect;

    public MqttChannelHandler(BrokerContext ctx) {
        this(new Processors(ctx));
    }

    /** Shares the stateless processors between all connections: a connection costs only its own state. */
    public MqttChannelHandler(Processors processors) {
        this.ctx = processors.ctx;
        this.connectProcessor = processors.connect;
        this.publishProcessor = processors.publish;
        this.subscribeProcessor = processors.subscribe;
    }

    /** The packet processors of one broker; they keep no per-connection state, so one set serves every channel. */
    public static final class Processors {
        private final BrokerContext ctx;
        private final ConnectProcessor connect;
        private final PublishProcessor publish;
        private final SubscribeProcessor subscribe;

        public Processors(BrokerContext ctx) {
            this.ctx = ctx;
            this.connect = new ConnectProcessor(ctx);
            this.publish = new PublishProcessor(ctx);
            this.subscribe = new SubscribeProcessor(ctx);
        }
    }

    /** The connection this handler serves, for shutdown and (later) the admin API. */
    public MqttConnection connection() {
        return conn;
    }

    @Override
    public void channelActive(ChannelHandlerContext channelCtx) throws Exception {
        conn = new MqttConnection(channelCtx.channel(), ctx.stats(), ctx.nanoClock().getAsLong(),
                ctx.config().sessions().maxQueuedMessages(), ctx.config().limits().maxOutboundBytesPerClient(),
                ctx.config().limits().slowConsumerTimeout());
        ctx.stats().connectionsOpened.increment();
        long timeoutMillis = ctx.config().mqtt().connectTimeout().toMillis();
        connectTimeout = channelCtx.executor().schedule(() -> {
            if (conn.state() == MqttConnection.State.AWAITING_CONNECT) {
                conn.closeReason(CloseReason.CONNECT_TIMEOUT);
                conn.tag(LOG.atInfo()).log("{} closed: no CONNECT within {} ms", conn.describe(), timeoutMillis);
                channelCtx.close();
            }
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        super.channelActive(channelCtx);
    }

    @Override
    public void channelRead(ChannelHandlerContext channelCtx, Object msg) {
        if (msg instanceof MqttMessage mqtt && (conn.state() == MqttConnection.State.AUTHENTICATING
                || conn.state() == MqttConnection.State.CLAIMING)) {
            if (heldBack == null) {
                heldBack = new ArrayDeque<>();
            }
            heldBack.add(mqtt);
            return;
        }
        try {
            if (msg instanceof MqttMessage mqtt) {
                handle(mqtt);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** CONNECT has been answered: read again, and process what came in meanwhile (or drop it when refused). */
    private void connectAnswered() {
        conn.channel().config().setAutoRead(true);
        ArrayDeque<MqttMessage> held = heldBack;
        heldBack = null;
        if (held == null) {
            return;
        }
        for (MqttMessage m : held) {
            try {
                handle(m);
            } finally {
                ReferenceCountUtil.release(m);
            }
        }
    }

    private void handle(MqttMessage msg) {
        if (conn.state() == MqttConnection.State.CLOSING) {
            return; // Already closing: ignore whatever was still in the socket buffer.
        }
        if (msg.decoderResult().isFailure()) {
            decodeFailed(msg);
            return;
        }
        MqttMessageType type = msg.fixedHeader().messageType();
        if (conn.state() == MqttConnection.State.AWAITING_CONNECT) {
            if (type != MqttMessageType.CONNECT) {
                // [MQTT-3.1.0-1]: the first packet must be CONNECT; anything else closes without a reply.
                conn.closeReason(CloseReason.PROTOCOL_ERROR);
                conn.tag(LOG.atWarn()).log("{} closed: {} before CONNECT", conn.describe(), type);
                conn.state(MqttConnection.State.CLOSING);
                conn.channel().close();
                return;
            }
            cancelConnectTimeout();
            conn.channel().config().setAutoRead(false);
            connectProcessor.process(conn, (MqttConnectMessage) msg, this::connectAnswered);
            if (conn.state() != MqttConnection.State.AUTHENTICATING
                    && conn.state() != MqttConnection.State.CLAIMING) {
                conn.channel().config().setAutoRead(true); // answered at once: nothing to wait for
            }
            return;
        }
        ProtocolViolation violation = switch (type) {
            case CONNECT -> ProtocolViolation.protocolError("second CONNECT [MQTT-3.1.0-2]");
            case PUBLISH -> publishProcessor.publish(conn, (MqttPublishMessage) msg);
            case PUBACK -> {
                publishProcessor.puback(conn, msg);
                yield null;
            }
            case PUBREC -> {
                publishProcessor.pubrec(conn, msg);
                yield null;
            }
            case PUBREL -> {
                publishProcessor.pubrel(conn, msg);
                yield null;
            }
            case PUBCOMP -> {
                publishProcessor.pubcomp(conn, msg);
                yield null;
            }
            case SUBSCRIBE -> subscribeProcessor.subscribe(conn, (MqttSubscribeMessage) msg);
            case UNSUBSCRIBE -> subscribeProcessor.unsubscribe(conn, (MqttUnsubscribeMessage) msg);
            case PINGREQ -> {
                conn.send(MqttMessage.PINGRESP);
                yield null;
            }
            case DISCONNECT -> clientDisconnect(msg);
            case AUTH -> ProtocolViolation.protocolError("AUTH without an authentication method [MQTT-4.12.0-1]");
            default -> ProtocolViolation.protocolError(type + " is never sent by a client");
        };
        if (violation != null) {
            close(violation);
        }
    }

    /** DISCONNECT from the client (spec 3.14). */
    private ProtocolViolation clientDisconnect(MqttMessage msg) {
        byte reason = ReasonCodes.SUCCESS;
        if (msg.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader vh) {
            reason = vh.reasonCode();
            Long expiry = MqttProps.unsignedInt(vh.properties(), MqttPropertyType.SESSION_EXPIRY_INTERVAL);
            if (expiry != null) {
                if (conn.connectExpiryInterval() == 0 && expiry != 0) {
                    // [MQTT-3.14.2-2]: a session that was to end cannot be made persistent at DISCONNECT.
                    return ProtocolViolation.protocolError("session expiry set at DISCONNECT after 0 at CONNECT");
                }
                conn.session().expiryIntervalSeconds(Math.min(expiry,
                        ctx.config().sessions().maxExpiryInterval()));
            }
        }
        // 0x04 "Disconnect with Will Message" keeps the will; anything else normal discards it.
        normalDisconnect = reason != ReasonCodes.DISCONNECT_WITH_WILL;
        conn.closeReason(CloseReason.NORMAL);
        conn.state(MqttConnection.State.CLOSING);
        conn.tag(LOG.atInfo()).log("{} disconnected (reason 0x{})", conn.describe(), String.format("%02X", reason & 0xFF));
        conn.channel().close();
        return null;
    }

    private void decodeFailed(MqttMessage msg) {
        ctx.stats().malformedPackets.increment();
        conn.closeReason(CloseReason.MALFORMED_PACKET);
        DecodeFailure failure = DecoderFailures.classify(msg.decoderResult().cause());
        boolean connectAccepted = conn.state() != MqttConnection.State.AWAITING_CONNECT;
        DecodeFailure.Response response = failure.response(connectAccepted, MqttVersions.get(conn.channel()));
        if (!connectAccepted) {
            cancelConnectTimeout();
        }
        switch (response.action()) {
            case DISCONNECT_THEN_CLOSE -> close(new ProtocolViolation(response.code(), failure.reason()));
            case CONNACK_THEN_CLOSE -> {
                conn.state(MqttConnection.State.CLOSING);
                conn.tag(LOG.atWarn()).log("{} CONNECT refused: {} (reason 0x{})", conn.describe(), failure.reason(),
                        String.format("%02X", response.code() & 0xFF));
                MqttConnAckMessage ack = MqttMessageBuilders.connAck()
                        .returnCode(MqttConnectReturnCode.valueOf(response.code())).sessionPresent(false)
                        .properties(MqttProperties.NO_PROPERTIES).build();
                conn.channel().writeAndFlush(ack).addListener(ChannelFutureListener.CLOSE);
            }
            case CLOSE -> {
                conn.state(MqttConnection.State.CLOSING);
                conn.tag(LOG.atWarn()).log("{} closed: {}", conn.describe(), failure.reason());
                conn.channel().close();
            }
        }
    }

    /** Closes for a protocol violation; the will is published because this is not a normal DISCONNECT. */
    private void close(ProtocolViolation violation) {
        if (conn.state() == MqttConnection.State.CLOSING) {
            return;
        }
        conn.closeReason(violation.reasonCode() == ReasonCodes.KEEP_ALIVE_TIMEOUT ? CloseReason.KEEP_ALIVE_TIMEOUT
                : CloseReason.PROTOCOL_ERROR);
        conn.tag(LOG.atWarn()).log("{} closed: {} (reason 0x{})", conn.describe(), violation.reason(),
                String.format("%02X", violation.reasonCode() & 0xFF));
        conn.disconnect(violation.reasonCode(), violation.reason());
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext channelCtx, Object evt) throws Exception {
        if (evt instanceof ClientAddress address) {
            // From the PROXY protocol header: the real client behind the load balancer, for logs and the ACL.
            conn.clientAddress(address.address());
            return;
        }
        if (evt instanceof IdleStateEvent) {
            // [MQTT-3.1.2-22]: nothing received for 1.5 x keep alive.
            close(new ProtocolViolation(ReasonCodes.KEEP_ALIVE_TIMEOUT, "keep alive timeout"));
            return;
        }
        super.userEventTriggered(channelCtx, evt);
    }

    /** Cancels the CONNECT deadline and lets go of its task, which would otherwise live as long as the channel. */
    private void cancelConnectTimeout() {
        if (connectTimeout != null) {
            connectTimeout.cancel(false);
            connectTimeout = null;
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext channelCtx) throws Exception {
        conn.writabilityChanged();
        super.channelWritabilityChanged(channelCtx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext channelCtx) throws Exception {
        cancelConnectTimeout();
        if (heldBack != null) {
            heldBack.forEach(ReferenceCountUtil::release);
            heldBack = null;
        }
        conn.discardOutbox();
        ctx.stats().connectionClosed(conn.closeReason());
        if (conn.session() != null) {
            ctx.stats().connectedClients.decrementAndGet();
            Will will = normalDisconnect ? null : conn.will();
            if (!normalDisconnect && conn.state() != MqttConnection.State.CLOSING) {
                conn.tag(LOG.atInfo()).log("{} connection lost", conn.describe());
            }
            ctx.sessions().closed(conn.session(), conn, will, conn.takenOver());
        }
        super.channelInactive(channelCtx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext channelCtx, Throwable cause) {
        if (conn == null) {
            LOG.warn("channel closed after error before it was set up: {}", cause.toString());
        } else if (cause instanceof IOException) {
            // Peer reset and the like: ordinary for devices on flaky networks, not worth a stack trace.
            conn.tag(LOG.atDebug()).log("{} I/O error: {}", conn.describe(), cause.toString());
        } else {
            conn.closeReason(CloseReason.PROTOCOL_ERROR);
            conn.tag(LOG.atWarn()).log("{} closed after unexpected error: {}", conn.describe(), cause.toString());
        }
        channelCtx.close();
    }

    /**
     * Used when a clustered node drains: v5 clients are told to use another server (0x9C), which the load balancer
     * gives them on reconnect; v3 clients are disconnected. Wills are not published (see SessionManager).
     */
    public void moveToAnotherServer() {
        if (conn != null && conn.state() == MqttConnection.State.CONNECTED) {
            conn.disconnect(ReasonCodes.USE_ANOTHER_SERVER, "node draining: reconnect to use another server");
        } else if (conn != null) {
            conn.channel().close();
        }
    }

    /** Used by graceful shutdown: v5 clients learn why (0x8B) [MQTT-3.14.2-...]. */
    public void shutdown() {
        if (conn != null) {
            conn.closeReason(CloseReason.SERVER_SHUTDOWN);
        }
        if (conn != null && conn.state() == MqttConnection.State.CONNECTED) {
            conn.disconnect(ReasonCodes.SERVER_SHUTTING_DOWN, "server shutting down");
        } else if (conn != null) {
            conn.channel().close();
        }
    }

}
