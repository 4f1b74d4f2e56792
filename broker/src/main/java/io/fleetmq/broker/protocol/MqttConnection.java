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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

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

    /** What waits to be written to the client, bounded in packets and bytes. */
    private final Outbox outbox;
    /** limits.slowConsumerTimeout; event loop only. */
    private final SlowConsumerDeadline slowConsumer;

    /** Inbound aliases the client set up [MQTT-3.3.2-12]; event loop only. Made on first use: most never alias. */
    private Map<Integer, String> inboundAliases;
    /** Aliases we assigned for this client; guarded by the session lock (all sends hold it). Made on first use. */
    private Map<String, Integer> outboundAliases;

    /**
     * @param maxQueuedMessages   QoS 0 packets that may wait for the socket (sessions.maxQueuedMessages)
     * @param maxOutboundBytes    bytes that may wait for the socket (limits.maxOutboundBytesPerClient)
     * @param slowConsumerTimeout how long the socket may stay full before the client is disconnected; zero: never
     */
    MqttConnection(Channel channel, BrokerStats stats, long nanoStart, int maxQueuedMessages, long maxOutboundBytes,
                   Duration slowConsumerTimeout) {
        this.channel = channel;
        this.stats = stats;
        this.nanoStart = nanoStart;
        this.outbox = new Outbox(channel, maxQueuedMessages, maxOutboundBytes, this::outboundRoomAgain);
        this.slowConsumer = new SlowConsumerDeadline(channel, slowConsumerTimeout, this::slowConsumerExpired);
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
        MqttProperties props = MqttProperties.NO_PROPERTIES;
        String topic = m.topic();
        long now = System.nanoTime();
        Integer newAlias = null;
        if (isV5()) {
            props = publishProperties(outbound, now);
            Integer alias = outboundAlias(topic);
            if (alias != null) {
                MqttProps.addInt(props, MqttPropertyType.TOPIC_ALIAS, alias);
                if (outboundAliases.containsKey(topic)) {
                    topic = ""; // established earlier on the wire [MQTT-3.3.2-12]
                } else {
                    newAlias = alias;
                }
            }
        }
        long size = PacketSizes.publishPacketSize(version.protocolLevel(), topic, m.qos(), m.payload().length, props);
        if (size > clientMaximumPacketSize) {
            // [MQTT-3.1.2-25]: never send a packet larger than the client's Maximum Packet Size; discard it. An alias
            // it would have set up is not registered: the client never learns it.
            stats.dropped(DropReason.TOO_LARGE, m.qos());
            tag(LOG.atDebug()).log("{} message on {} ({} bytes) exceeds client maximum packet size {}: dropped", describe(),
                    m.topic(), size, clientMaximumPacketSize);
            return false;
        }
        if (m.qos() == 0 && !outbox.hasRoomFor(size)) {
            // QoS 0 is "at most once": a client reading slower than messages arrive loses QoS 0 messages beyond
            // sessions.maxQueuedMessages packets or limits.maxOutboundBytesPerClient bytes instead of piling them up
            // in memory. QoS 1/2 are not dropped here: the session keeps them queued while hasOutboundRoom() is false.
            stats.dropped(DropReason.SLOW_CONSUMER, 0);
            return true;
        }
        if (newAlias != null) {
            // Registered only now that this packet, which carries topic and alias, is certain to be written first.
            outboundAliases.put(m.topic(), newAlias);
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
        outbox.addPublish(publish, (int) size);
        return true;
    }

    @Override
    public boolean hasOutboundRoom() {
        return outbox.hasRoom();
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
     * later ones only the alias, until the client's Topic Alias Maximum is used up. Returns the topic's alias, or the
     * one it would get (registered by the caller only once that packet is certain to be written), or null.
     */
    private Integer outboundAlias(String topic) {
        if (clientTopicAliasMaximum == 0) {
            return null;
        }
        if (outboundAliases == null) {
            outboundAliases = new HashMap<>();
        }
        Integer alias = outboundAliases.get(topic);
        if (alias != null) {
            return alias;
        }
        return outboundAliases.size() < clientTopicAliasMaximum ? outboundAliases.size() + 1 : null;
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

    /** Sends a control packet (an acknowledgement, PINGRESP): queued behind what waits, never dropped. */
    void send(MqttMessage message) {
        outbox.addControl(message);
    }

    /** The socket drained below its low water mark, or filled up: move the outbox along; time a full socket. */
    void writabilityChanged() {
        slowConsumer.writabilityChanged();
        outbox.writabilityChanged();
    }

    /** There is room again for QoS 1/2 messages the session held back: it moves them out of its queue now. */
    private void outboundRoomAgain() {
        Session s = session;
        if (s != null && state == State.CONNECTED) {
            s.outboundRoomAgain(this);
        }
    }

    /**
     * The socket stayed full for limits.slowConsumerTimeout: the client does not read what it subscribed to. It is
     * disconnected (v5: DISCONNECT 0x97 Quota exceeded, if the socket still takes it) and counted; its session keeps
     * QoS 1/2 messages for resend as for any lost connection, and the will is published.
     */
    private void slowConsumerExpired() {
        if (state == State.CLOSING || !channel.isActive()) {
            return;
        }
        closeReason(CloseReason.SLOW_CONSUMER);
        tag(LOG.atWarn()).log("{} disconnected: socket full for limits.slowConsumerTimeout={}, {} packets / {} bytes "
                + "waiting", describe(), slowConsumer.timeout(), outbox.packets(), outbox.bytes());
        disconnect(ReasonCodes.QUOTA_EXCEEDED, "not reading: slow consumer");
    }

    /** The channel closed: what never reached the socket is released (QoS 1/2 stay in the session for resend). */
    void discardOutbox() {
        slowConsumer.cancel();
        outbox.discard();
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
            if (channel.isWritable()) {
                channel.writeAndFlush(disconnect).addListener(ChannelFutureListener.CLOSE);
            } else {
                // A full socket may never take the DISCONNECT (the client does not read): waiting for the write
                // would keep the connection open forever. It goes out if the kernel takes it now; then we close.
                channel.writeAndFlush(disconnect);
                channel.close();
            }
        } else {
            channel.close();
        }
    }
}
