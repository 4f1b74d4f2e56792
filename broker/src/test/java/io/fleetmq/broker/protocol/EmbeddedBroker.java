package io.fleetmq.broker.protocol;

import io.fleetmq.broker.codec.MqttVersions;
import io.fleetmq.broker.codec.PacketSizes;
import io.fleetmq.broker.config.AuthConfig;
import io.fleetmq.broker.config.BrokerConfig;
import io.fleetmq.broker.config.MqttConfig;
import io.fleetmq.broker.config.SessionsConfig;
import io.fleetmq.broker.message.PublishMessage;
import io.fleetmq.broker.metrics.BrokerStats;
import io.fleetmq.broker.routing.InMemoryRetainedStore;
import io.fleetmq.broker.routing.PublishRouter;
import io.fleetmq.broker.routing.TopicTreeSubscriptionRegistry;
import io.fleetmq.broker.session.InMemorySessionStore;
import io.fleetmq.broker.session.OutboundMessage;
import io.fleetmq.broker.session.SessionEvents;
import io.fleetmq.broker.session.SessionManager;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
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
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.UnaryOperator;

/**
 * The broker's protocol layer without sockets: a {@link BrokerContext} wired as {@code FleetMqBroker.start} wires it
 * (SessionManager + PublishRouter over TopicTreeSubscriptionRegistry, InMemoryRetainedStore, InMemorySessionStore),
 * and one {@link EmbeddedChannel} per client with the production pipeline (decoder, encoder, handler, with the
 * production handler names so the keep-alive handler can be inserted after CONNECT).
 * <p>
 * A {@link Client} encodes what the test sends with Netty's encoder in its own EmbeddedChannel and decodes what the
 * broker wrote with a client-side decoder, so every byte crosses the real codec both ways. All buffers are released
 * in {@link #close()}.
 */
final class EmbeddedBroker implements AutoCloseable {
    final BrokerConfig config;
    final BrokerStats stats = new BrokerStats();
    final InMemorySessionStore store = new InMemorySessionStore();
    final SessionManager sessions;
    final PublishRouter router;
    final BrokerContext ctx;
    final List<PublishMessage> wills = new ArrayList<>();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final List<Client> clients = new ArrayList<>();

    EmbeddedBroker(BrokerConfig config) {
        this.config = config;
        this.sessions = new SessionManager(store, config.sessions(), stats, timers, System::nanoTime);
        sessions.maxOfflineSessionsPerOwner(config.auth().authenticates()
                ? config.limits().maxOfflineSessionsPerPrincipal() : 0);
        this.router = new PublishRouter(new TopicTreeSubscriptionRegistry(), new InMemoryRetainedStore(), store, stats,
                config.mqtt().retainAvailable());
        // Routing events as in production, plus a record of the wills published.
        sessions.events(new SessionEvents() {
            @Override
            public void publishWill(PublishMessage will) {
                synchronized (wills) {
                    wills.add(will);
                }
                router.publishWill(will);
            }

            @Override
            public void sessionEnded(String clientId) {
                router.sessionEnded(clientId);
            }

            @Override
            public void redistributeShared(String fromClientId, List<OutboundMessage> messages) {
                router.redistributeShared(fromClientId, messages);
            }
        });
        this.ctx = new BrokerContext(config, sessions, router, stats, System::nanoTime);
    }

    static EmbeddedBroker defaults() {
        return new EmbeddedBroker(BrokerConfig.defaults());
    }

    static EmbeddedBroker withMqtt(UnaryOperator<Mqtt> change) {
        return new EmbeddedBroker(BrokerConfig.defaults().withMqtt(change.apply(new Mqtt()).build()));
    }

    static EmbeddedBroker withAuth(AuthConfig auth) {
        return new EmbeddedBroker(BrokerConfig.defaults().withAuth(auth));
    }

    static EmbeddedBroker withSessions(SessionsConfig s) {
        return new EmbeddedBroker(BrokerConfig.defaults().withSessions(s));
    }

    /** A new client connection (TCP accepted, nothing sent yet). */
    Client client(MqttVersion version) {
        Client c = new Client(this, version);
        clients.add(c);
        return c;
    }

    @Override
    public void close() {
        for (Client c : clients) {
            c.close();
        }
        timers.shutdownNow();
    }

    /** Mutable copy of {@link MqttConfig#defaults()} (the record has no withers). */
    static final class Mqtt {
        int maxPacketSize;
        int receiveMaximum;
        int topicAliasMaximum;
        int maxKeepAlive;
        int maxQos;
        boolean retainAvailable;
        boolean wildcardSubscriptionAvailable;
        boolean sharedSubscriptionAvailable;
        boolean subscriptionIdentifiersAvailable;
        int maxClientIdLength;
        java.time.Duration connectTimeout;

        Mqtt() {
            MqttConfig d = MqttConfig.defaults();
            maxPacketSize = d.maxPacketSize();
            receiveMaximum = d.receiveMaximum();
            topicAliasMaximum = d.topicAliasMaximum();
            maxKeepAlive = d.maxKeepAlive();
            maxQos = d.maxQos();
            retainAvailable = d.retainAvailable();
            wildcardSubscriptionAvailable = d.wildcardSubscriptionAvailable();
            sharedSubscriptionAvailable = d.sharedSubscriptionAvailable();
            subscriptionIdentifiersAvailable = d.subscriptionIdentifiersAvailable();
            maxClientIdLength = d.maxClientIdLength();
            connectTimeout = d.connectTimeout();
        }

        Mqtt set(java.util.function.Consumer<Mqtt> c) {
            c.accept(this);
            return this;
        }

        MqttConfig build() {
            return new MqttConfig(maxPacketSize, receiveMaximum, topicAliasMaximum, maxKeepAlive, maxQos,
                    retainAvailable, wildcardSubscriptionAvailable, sharedSubscriptionAvailable,
                    subscriptionIdentifiersAvailable, maxClientIdLength, connectTimeout);
        }
    }

    /** One client connection: the broker side is {@link #channel}, the client side is an encoder and a decoder. */
    static final class Client {
        final EmbeddedChannel channel;
        final MqttChannelHandler handler;
        private final EmbeddedChannel encoder = new EmbeddedChannel(MqttEncoder.INSTANCE);
        private final EmbeddedChannel decoder = new EmbeddedChannel(new MqttDecoder(1024 * 1024));
        private final List<MqttMessage> toRelease = new ArrayList<>();
        private final MqttVersion version;
        private int nextPacketId = 1;

        Client(EmbeddedBroker broker, MqttVersion version) {
            this.version = version;
            MqttVersions.set(encoder, version);
            MqttVersions.set(decoder, version);
            MqttConfig mqtt = broker.config.mqtt();
            this.handler = new MqttChannelHandler(broker.ctx);
            this.channel = new EmbeddedChannel(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    // As MqttChannelInitializer builds it.
                    ch.pipeline()
                            .addLast(ChannelHandlerNames.MQTT_DECODER, new MqttDecoder(
                                    PacketSizes.maxRemainingLength(mqtt.maxPacketSize()), mqtt.maxClientIdLength()))
                            .addLast(ChannelHandlerNames.MQTT_ENCODER, MqttEncoder.INSTANCE)
                            .addLast(ChannelHandlerNames.MQTT_HANDLER, handler);
                }
            });
        }

        int nextId() {
            return nextPacketId++;
        }

        /** Encodes {@code msg} as this client's protocol version and feeds the bytes to the broker. */
        void send(MqttMessage msg) {
            encoder.writeOutbound(msg);
            ByteBuf buf;
            while ((buf = encoder.readOutbound()) != null) {
                if (channel.isOpen()) {
                    channel.writeInbound(buf);
                } else {
                    buf.release();
                }
            }
            channel.runPendingTasks();
        }

        void sendRaw(byte[] bytes) {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes));
            channel.runPendingTasks();
        }

        /** Everything the broker wrote since the last call, decoded as a client would. */
        List<MqttMessage> received() {
            channel.runPendingTasks();
            ByteBuf buf;
            while ((buf = channel.readOutbound()) != null) {
                decoder.writeInbound(buf);
            }
            List<MqttMessage> out = new ArrayList<>();
            Object o;
            while ((o = decoder.readInbound()) != null) {
                MqttMessage m = (MqttMessage) o;
                toRelease.add(m);
                if (m.decoderResult().isFailure()) {
                    throw new AssertionError("broker wrote undecodable bytes", m.decoderResult().cause());
                }
                out.add(m);
            }
            return out;
        }

        /** Exactly one packet, of {@code type}. */
        MqttMessage expectOnly(MqttMessageType type) {
            List<MqttMessage> got = received();
            if (got.size() != 1 || got.get(0).fixedHeader().messageType() != type) {
                throw new AssertionError("expected exactly one " + type + ", got " + describe(got));
            }
            return got.get(0);
        }

        boolean isOpen() {
            return channel.isOpen();
        }

        // ------------------------------------------------------------ packets

        MqttMessageBuilders.ConnectBuilder connectBuilder(String clientId) {
            return MqttMessageBuilders.connect().protocolVersion(version).clientId(clientId).cleanSession(true)
                    .keepAlive(0);
        }

        MqttConnAckMessage connect(MqttConnectMessage connect) {
            send(connect);
            return (MqttConnAckMessage) expectOnly(MqttMessageType.CONNACK);
        }

        /** CONNECT with clean start, no keep alive; asserts success. */
        MqttConnAckMessage connectOk(String clientId) {
            MqttConnAckMessage ack = connect(connectBuilder(clientId).build());
            if (ack.variableHeader().connectReturnCode().byteValue() != 0) {
                throw new AssertionError("CONNECT refused: " + ack.variableHeader().connectReturnCode());
            }
            return ack;
        }

        void publish(String topic, int qos, boolean retain, boolean dup, int packetId, MqttProperties props,
                     String payload) {
            MqttFixedHeader fh = new MqttFixedHeader(MqttMessageType.PUBLISH, dup, MqttQoS.valueOf(qos), retain, 0);
            send(new MqttPublishMessage(fh, new MqttPublishVariableHeader(topic, qos == 0 ? -1 : packetId,
                    props == null ? MqttProperties.NO_PROPERTIES : props),
                    Unpooled.wrappedBuffer(payload.getBytes(StandardCharsets.UTF_8))));
        }

        void ack(MqttMessageType type, int packetId) {
            MqttQoS qos = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
            send(new MqttMessage(new MqttFixedHeader(type, false, qos, false, 0),
                    MqttMessageIdVariableHeader.from(packetId)));
        }

        void ack(MqttMessageType type, int packetId, byte reasonCode) {
            MqttQoS qos = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
            send(new MqttMessage(new MqttFixedHeader(type, false, qos, false, 0),
                    new MqttPubReplyMessageVariableHeader(packetId, reasonCode, MqttProperties.NO_PROPERTIES)));
        }

        void close() {
            try {
                received(); // decode whatever is left so its buffers are released
            } catch (AssertionError ignored) {
                // already reported by the test, if it mattered
            }
            toRelease.forEach(ReferenceCountUtil::release);
            toRelease.clear();
            channel.finishAndReleaseAll();
            encoder.finishAndReleaseAll();
            decoder.finishAndReleaseAll();
        }
    }

    // ------------------------------------------------------------ reading replies

    /** Reason code of a PUBACK/PUBREC/PUBREL/PUBCOMP/DISCONNECT/AUTH (0x00 when the packet omits it). */
    static int reason(MqttMessage m) {
        Object vh = m.variableHeader();
        if (vh instanceof MqttPubReplyMessageVariableHeader r) {
            return r.reasonCode() & 0xFF;
        }
        if (vh instanceof MqttReasonCodeAndPropertiesVariableHeader r) {
            return r.reasonCode() & 0xFF;
        }
        return 0;
    }

    static int connackCode(MqttConnAckMessage ack) {
        return ack.variableHeader().connectReturnCode().byteValue() & 0xFF;
    }

    static String describe(List<MqttMessage> messages) {
        List<String> parts = new ArrayList<>();
        for (MqttMessage m : messages) {
            parts.add(m.fixedHeader().messageType() + "(" + m.variableHeader() + ")");
        }
        return parts.toString();
    }
}
