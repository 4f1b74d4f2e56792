package io.fleetmq.broker.protocol;

import io.fleetmq.broker.auth.Principal;
import io.fleetmq.broker.codec.PacketSizes;
import io.fleetmq.broker.message.PublishMessage;
import io.fleetmq.broker.message.PublishProperties;
import io.fleetmq.broker.message.UserProperty;
import io.fleetmq.broker.metrics.BrokerStats;
import io.fleetmq.broker.metrics.CloseReason;
import io.fleetmq.broker.metrics.DropReason;
import io.fleetmq.broker.session.ClientConnection;
import io.fleetmq.broker.session.OutboundMessage;
import io.fleetmq.broker.session.Session;
import io.fleetmq.broker.session.Will;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client's network connection: what was negotiated in CONNECT (protocol version, limits, topic aliases), the
 * session it serves, and how to send packets to it. Inbound processing runs on the channel's event loop; the
 * {@link ClientConnection} methods are called by publishers on any thread (always under the session's lock).
 */
public final class MqttConnection implements ClientConnection {
    private static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);

    /**
     * AUTHENTICATING: CONNECT is valid and the authentication chain has not answered yet. CLAIMING: accepted here,
     * waiting for the other cluster nodes to release the client id (and hand its session over).
     */
    enum State { AWAITING_CONNECT, AUTHENTICATING, CLAIMING, CONNECTED, CLOSING }

    private final Channel channel;
    private final BrokerStats stats;
    /** host:port; replaced by the address a PROXY protocol header names, once it has arrived. */
    private volatile String remoteAddress;
    private volatile String remoteHost;
    private volatile Principal principal;
    /** limits.publishRate for this client; null when unlimited. Event loop only. */
    private TokenBucket publishBudget;
    private final long nanoStart;
    private final int maxQueuedMessages;

    // Set on the event loop during CONNECT, read from other threads after: volatile publication.
    private volatile State state = State.AWAITING_CONNECT;
    private volatile MqttVersion version = MqttVersion.MQTT_3_1_1;
    private volatile String clientId;
    private volatile Session session;
    private volatile Will will;
    private volatile int clientReceiveMaximum = 65_535;
    private volatile int clientMaximumPacketSize = Integer.MAX_VALUE;
    private volatile int clientTopicAliasMaximum;
    private volatile boolean takenOver;
    private volatile long connectExpiryInterval;
    /** Why the connection ended; the first reason recorded wins. Read when the channel goes inactive. */
    private volatile CloseReason closeReason;

    /**
     * A linked queue rather than an array-backed MPSC queue: an idle connection then costs a few dozen bytes for it,
     * not the ~4 KB first chunk an array queue allocates up front (measured: 15,000 idle connections).
     */
    private final Queue<Object> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger outboxSize = new AtomicInteger();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainTask = this::drainOutbox;

    /** Inbound aliases the client set up [MQTT-3.3.2-12]; event loop only. Made on first use: most never alias. */
    private Map<Integer, String> inboundAliases;
    /** Aliases we assigned for this client; guarded by the session lock (all sends hold it). Made on first use. */
    private Map<String, Integer> outboundAliases;

    MqttConnection(Channel channel, BrokerStats stats, long nanoStart, int maxQueuedMessages) {
        this.channel = channel;
        this.maxQueuedMessages = maxQueuedMessages;
        this.stats = stats;
        this.nanoStart = nanoStart;
        clientAddress(channel.remoteAddress());
    }

    /** The client's real address: the socket's peer, or the source a PROXY protocol header named. */
    void clientAddress(SocketAddress remote) {
        if (remote instanceof InetSocketAddress isa) {
            String host = isa.getAddress() != null ? isa.getAddress().getHostAddress() : isa.getHostString();
            this.remoteHost = host;
            this.remoteAddress = host + ":" + isa.getPort();
        } else {
            this.remoteHost = String.valueOf(remote);
            this.remoteAddress = remoteHost;
        }
    }

    /** The client's IP address without port (rate limits and the audit log key on it). */
    public String remoteHost() {
        return remoteHost;
    }

    /** Who this connection authenticated as; null before CONNECT is accepted. */
    public Principal principal() {
        return principal;
    }

    void principal(Principal p) {
        this.principal = p;
    }

    void publishBudget(TokenBucket budget) {
        this.publishBudget = budget;
    }

    /** False when this PUBLISH is over the client's limits.publishRate. */
    boolean takePublishToken() {
        return publishBudget == null || publishBudget.tryTake();
    }

    Channel channel() {
        return channel;
    }

    State state() {
        return state;
    }

    void state(State newState) {
        this.state = newState;
    }

    MqttVersion version() {
        return version;
    }

    void version(MqttVersion v) {
        this.version = v;
    }

    boolean isV5() {
        return version == MqttVersion.MQTT_5;
    }

    String clientId() {
        return clientId;
    }

    void clientId(String id) {
        this.clientId = id;
    }

    Session session() {
        return session;
    }

    void session(Session s) {
        this.session = s;
    }

    Will will() {
        return will;
    }

    void will(Will w) {
        this.will = w;
    }

    void clientLimits(int receiveMaximum, int maximumPacketSize, int topicAliasMaximum) {
        this.clientReceiveMaximum = receiveMaximum;
        this.clientMaximumPacketSize = maximumPacketSize;
        this.clientTopicAliasMaximum = topicAliasMaximum;
    }

    long connectExpiryInterval() {
        return connectExpiryInterval;
    }

    void connectExpiryInterval(long seconds) {
        this.connectExpiryInterval = seconds;
    }

    boolean takenOver() {
        return takenOver;
    }

    Map<Integer, String> inboundAliases() {
        if (inboundAliases == null) {
            inboundAliases = new HashMap<>();
        }
        return inboundAliases;
    }

    long connectedAtNanos() {
        return nanoStart;
    }

    @Override
    public int receiveMaximum() {
        return clientReceiveMaximum;
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    /** For log lines: every connection-related line names the client and its address. */
    String describe() {
        return "client=" + (clientId == null ? "-" : clientId) + " addr=" + remoteAddress;
    }

    /**
     * Adds the client id and address to a log event as key-value pairs, which the JSON log format writes as fields
     * (the text format keeps them in the message through {@link #describe()}). Costs nothing when the level is off.
     */
    LoggingEventBuilder tag(LoggingEventBuilder event) {
        return event.addKeyValue("clientId", clientId == null ? "-" : clientId)
                .addKeyValue("remoteAddress", remoteAddress);
    }

    /** Records why the connection is ending, unless a reason was recorded already. */
    void closeReason(CloseReason reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
    }

    /** Why it ended; {@link CloseReason#CONNECTION_LOST} when nothing else was recorded. */
    CloseReason closeReason() {
        CloseReason r = closeReason;
        return r == null ? CloseReason.CONNECTION_LOST : r;
    }

    /** "3.1", "3.1.1" or "5.0", for the admin API. */
    public String protocolVersionName() {
        return switch (version) {
            case MQTT_3_1 -> "3.1";
            case MQTT_3_1_1 -> "3.1.1";
            case MQTT_5 -> "5.0";
        };
    }

    /**
     * Disconnects the client on an administrator's request, from any thread: v5 clients get DISCONNECT 0x98
     * Administrative action. Not a normal DISCONNECT, so the will is published [MQTT-3.1.2-8].
     */
    public void kick() {
        channel.eventLoop().execute(() -> {
            if (state == State.CLOSING || !channel.isActive()) {
                return;
            }
            closeReason(CloseReason.ADMIN_KICK);
            tag(LOG.atInfo()).log("{} disconnected by an administrator", describe());
            disconnect(ReasonCodes.ADMINISTRATIVE_ACTION, "disconnected by an administrator");
        });
    }

    @Override
    public boolean sendPublish(OutboundMessage outbound, int packetId, boolean dup) {
        if (!channel.isActive()) {
            // The session will resend QoS>0 on the next connection; QoS 0 is simply lost, as the spec allows.
            return true;
        }
        PublishMessage m = outbound.message();
        if (m.qos() == 0 && outboxSize.get() >= maxQueuedMessages) {
            // QoS 0 is "at most once": a client reading slower than messages arrive loses QoS 0 messages beyond
            // sessions.maxQueuedMessages instead of piling them up in memory. QoS 1/2 need no such guard: the
            // inflight window bounds what is written and the session queue (same bound) holds the rest.
            stats.dropped(DropReason.SLOW_CONSUMER, 0);
            return true;
        }
        MqttProperties props = MqttProperties.NO_PROPERTIES;
        String topic = m.topic();
        long now = System.nanoTime();
        if (isV5()) {
            props = publishProperties(outbound, now);
            topic = applyOutboundAlias(topic, props);
        }
        long size = PacketSizes.publishPacketSize(version.protocolLevel(), topic, m.qos(), m.payload().length, props);
        if (size > clientMaximumPacketSize) {
            // [MQTT-3.1.2-25]: never send a packet larger than the client's Maximum Packet Size; discard it.
            stats.dropped(DropReason.TOO_LARGE, m.qos());
            tag(LOG.atDebug()).log("{} message on {} ({} bytes) exceeds client maximum packet size {}: dropped", describe(),
                    m.topic(), size, clientMaximumPacketSize);
            return false;
        }
        MqttFixedHeader header = new MqttFixedHeader(MqttMessageType.PUBLISH, dup, MqttQoS.valueOf(m.qos()),
                m.retain(), 0);
        MqttPublishMessage publish = new MqttPublishMessage(header,
                new MqttPublishVariableHeader(topic, m.qos() == 0 ? -1 : packetId, props),
                Unpooled.wrappedBuffer(m.payload()));
        stats.sent(m.qos());
        if (!m.retain() && !dup) {
            // Live first sends only: retained copies sent on SUBSCRIBE and DUP resends would measure storage age.
            stats.deliveryLatency(now - m.receivedAtNanos());
        }
        writeBatched(publish);
        return true;
    }

    private MqttProperties publishProperties(OutboundMessage outbound, long now) {
        PublishMessage m = outbound.message();
        PublishProperties p = m.properties();
        if (p.isEmpty() && outbound.subscriptionIds().isEmpty() && clientTopicAliasMaximum == 0) {
            return MqttProperties.NO_PROPERTIES;
        }
        MqttProperties props = new MqttProperties();
        if (p.payloadFormatIndicator() != null) {
            MqttProps.addInt(props, MqttPropertyType.PAYLOAD_FORMAT_INDICATOR, p.payloadFormatIndicator());
        }
        Long remaining = m.remainingExpirySeconds(now);
        if (remaining != null) {
            // [MQTT-3.3.2-6]: the interval sent is what is left of the one received.
            MqttProps.addInt(props, MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL, (int) (long) remaining);
        }
        if (p.contentType() != null) {
            MqttProps.addString(props, MqttPropertyType.CONTENT_TYPE, p.contentType());
        }
        if (p.responseTopic() != null) {
            MqttProps.addString(props, MqttPropertyType.RESPONSE_TOPIC, p.responseTopic());
        }
        if (p.correlationData() != null) {
            props.add(new MqttProperties.BinaryProperty(MqttPropertyType.CORRELATION_DATA.value(),
                    p.correlationData()));
        }
        for (UserProperty up : p.userProperties()) {
            props.add(new MqttProperties.UserProperty(up.name(), up.value()));
        }
        for (Integer id : outbound.subscriptionIds()) {
            MqttProps.addInt(props, MqttPropertyType.SUBSCRIPTION_IDENTIFIER, id);
        }
        return props;
    }

    /**
     * Server-to-client topic aliases [MQTT-3.3.2-9]: the first message on a topic carries topic and a new alias,
     * later ones only the alias, until the client's Topic Alias Maximum is used up.
     */
    private String applyOutboundAlias(String topic, MqttProperties props) {
        if (clientTopicAliasMaximum == 0) {
            return topic;
        }
        if (outboundAliases == null) {
            outboundAliases = new HashMap<>();
        }
        Integer alias = outboundAliases.get(topic);
        if (alias != null) {
            MqttProps.addInt(props, MqttPropertyType.TOPIC_ALIAS, alias);
            return "";
        }
        if (outboundAliases.size() < clientTopicAliasMaximum) {
            int assigned = outboundAliases.size() + 1;
            outboundAliases.put(topic, assigned);
            MqttProps.addInt(props, MqttPropertyType.TOPIC_ALIAS, assigned);
        }
        return topic;
    }

    @Override
    public void sendPubrel(int packetId) {
        send(pubReply(MqttMessageType.PUBREL, packetId, ReasonCodes.SUCCESS));
    }

    MqttMessage pubReply(MqttMessageType type, int packetId, byte reasonCode) {
        // PUBREL's fixed header flags are 0010 [MQTT-3.6.1-1].
        MqttQoS qos = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
        return new MqttMessage(new MqttFixedHeader(type, false, qos, false, 0),
                new MqttPubReplyMessageVariableHeader(packetId, reasonCode, MqttProperties.NO_PROPERTIES));
    }

    void send(MqttMessage message) {
        writeBatched(message);
    }

    /**
     * Writes in batches, with backpressure. Packets from other threads (publishers on other event loops) go into
     * this connection's lock-free outbox, and one task per event-loop turn moves what is queued into the socket and
     * flushes once: a fan-in of many publishers costs one task and one syscall per turn, not one per packet. While
     * the socket is above its high water mark the outbox is left alone (resumed by {@link #writabilityChanged()}),
     * so a slow reader's backlog stays in the outbox, where it is counted and bounded (see {@link #sendPublish}).
     */
    private void writeBatched(Object message) {
        if (outboxSize.get() == 0 && channel.eventLoop().inEventLoop()) {
            channel.write(message, channel.voidPromise());
        } else {
            outbox.add(message);
            outboxSize.incrementAndGet();
        }
        scheduleDrain();
    }

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            channel.eventLoop().execute(drainTask);
        }
    }

    private void drainOutbox() {
        // Cleared before polling: a packet added after this point schedules the next turn itself.
        drainScheduled.set(false);
        Object message;
        while (channel.isWritable() && (message = outbox.poll()) != null) {
            outboxSize.decrementAndGet();
            channel.write(message, channel.voidPromise());
        }
        channel.flush();
    }

    /** The socket drained below its low water mark (or filled up): resume moving the outbox into it. */
    void writabilityChanged() {
        if (channel.isWritable() && outboxSize.get() > 0) {
            scheduleDrain();
        }
    }

    /** The channel closed: what never reached the socket is released (QoS 1/2 stay in the session for resend). */
    void discardOutbox() {
        Object message;
        while ((message = outbox.poll()) != null) {
            outboxSize.decrementAndGet();
            ReferenceCountUtil.release(message);
        }
    }

    @Override
    public void closeForTakeover() {
        takenOver = true;
        closeReason(CloseReason.TAKEN_OVER);
        tag(LOG.atInfo()).log("{} session taken over by a new connection", describe());
        disconnect(ReasonCodes.SESSION_TAKEN_OVER, "session taken over");
    }

    /**
     * Closes the connection; v5 clients first get a DISCONNECT with the reason [MQTT-4.13.2-1], v3 clients are
     * simply disconnected (3.1.1 has no server DISCONNECT).
     */
    void disconnect(byte reasonCode, String reason) {
        state = State.CLOSING;
        if (isV5() && session != null && channel.isActive()) {
            MqttMessage disconnect = new MqttMessage(
                    new MqttFixedHeader(MqttMessageType.DISCONNECT, false, MqttQoS.AT_MOST_ONCE, false, 0),
                    new MqttReasonCodeAndPropertiesVariableHeader(reasonCode, MqttProps.reasonString(reason)));
            channel.writeAndFlush(disconnect).addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }
}
