package io.fleetmq.broker.protocol;

import io.fleetmq.broker.auth.AuthResult;
import io.fleetmq.broker.auth.CertificateIdentities;
import io.fleetmq.broker.auth.ClientCertificates;
import io.fleetmq.broker.auth.ClientIdBinder;
import io.fleetmq.broker.auth.Principal;
import io.fleetmq.broker.auth.Security;
import io.fleetmq.broker.auth.Credentials;
import io.fleetmq.broker.codec.MqttStrings;
import io.fleetmq.broker.config.BrokerConfig;
import io.fleetmq.broker.config.MqttConfig;
import io.fleetmq.broker.metrics.CloseReason;
import io.fleetmq.broker.message.PublishMessage;
import io.fleetmq.broker.message.PublishProperties;
import io.fleetmq.broker.routing.TopicFilters;
import io.fleetmq.broker.session.ClientRegistry;
import io.fleetmq.broker.session.SessionManager;
import io.fleetmq.broker.session.Will;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectPayload;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.timeout.IdleStateHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.cert.X509Certificate;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * CONNECT handling (spec 3.1): validate, authenticate, open or resume the session, answer CONNACK with the
 * negotiated limits, then resend what the session still owes the client.
 */
final class ConnectProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectProcessor.class);
    /** v5 Session Expiry Interval 0xFFFFFFFF: the session does not expire [MQTT-3.1.2-...]. */
    private static final long NEVER_EXPIRE = 0xFFFF_FFFFL;

    private final BrokerContext ctx;
    private final ClientIdBinder binder;

    ConnectProcessor(BrokerContext ctx) {
        this.ctx = ctx;
        this.binder = new ClientIdBinder(ctx.config().auth().clientIdBinding());
    }

    /**
     * @param resume run on the event loop once the CONNECT is answered (accepted or refused), so the handler can go
     *               on with the packets it held back meanwhile
     */
    void process(MqttConnection conn, MqttConnectMessage connect, Runnable resume) {
        MqttConnectVariableHeader header = connect.variableHeader();
        MqttConnectPayload payload = connect.payload();
        MqttVersion version = MqttVersion.fromProtocolNameAndLevel(header.name(), (byte) header.version());
        conn.version(version);
        boolean v5 = version == MqttVersion.MQTT_5;
        BrokerConfig config = ctx.config();
        MqttConfig mqtt = config.mqtt();
        MqttProperties props = header.properties();

        // --- overload: the listener marked this connection when it was over a connection bound or rate.
        String busy = conn.channel().attr(ConnectionLimits.BUSY).get();
        if (busy != null) {
            reject(conn, v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_BUSY
                    : MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE, "server busy", busy);
            return;
        }

        // --- client identifier [MQTT-3.1.3-...]
        String clientId = payload.clientIdentifier();
        boolean assigned = false;
        if (clientId == null || clientId.isEmpty()) {
            if (!v5 && !header.isCleanSession()) {
                // [MQTT-3.1.3-8]: a zero-byte client id with clean session 0 is refused with 0x02.
                reject(conn, MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED, null,
                        "empty client id requires clean session");
                return;
            }
            clientId = "fleetmq-" + UUID.randomUUID();
            assigned = true;
        }
        if (MqttStrings.invalidReason(clientId) != null || clientId.length() > mqtt.maxClientIdLength()) {
            reject(conn, v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_CLIENT_IDENTIFIER_NOT_VALID
                    : MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED, null,
                    "client id not valid (longer than " + mqtt.maxClientIdLength() + " or bad UTF-8)");
            return;
        }
        conn.clientId(clientId);

        // --- v5 properties the client announces [MQTT-3.1.2-...]
        int clientReceiveMaximum = 65_535;
        int clientMaxPacketSize = Integer.MAX_VALUE;
        int clientTopicAliasMaximum = 0;
        long expiry = header.isCleanSession() ? 0 : config.sessions().maxExpiryInterval();
        if (v5) {
            if (MqttProps.has(props, MqttPropertyType.AUTHENTICATION_METHOD)) {
                // Enhanced authentication is not offered; the security issue adds it.
                reject(conn, MqttConnectReturnCode.CONNECTION_REFUSED_BAD_AUTHENTICATION_METHOD,
                        "enhanced authentication not supported", "authentication method not supported");
                return;
            }
            Integer rm = MqttProps.integer(props, MqttPropertyType.RECEIVE_MAXIMUM);
            if (rm != null) {
                if (rm == 0) { // [MQTT-3.1.2-...]: Receive Maximum 0 is a protocol error.
                    reject(conn, MqttConnectReturnCode.CONNECTION_REFUSED_PROTOCOL_ERROR, "receive maximum 0",
                            "receive maximum 0");
                    return;
                }
                clientReceiveMaximum = rm;
            }
            Long mps = MqttProps.unsignedInt(props, MqttPropertyType.MAXIMUM_PACKET_SIZE);
            if (mps != null) {
                if (mps == 0) {
                    reject(conn, MqttConnectReturnCode.CONNECTION_REFUSED_PROTOCOL_ERROR, "maximum packet size 0",
                            "maximum packet size 0");
                    return;
                }
                clientMaxPacketSize = (int) Math.min(Integer.MAX_VALUE, mps);
            }
            Integer tam = MqttProps.integer(props, MqttPropertyType.TOPIC_ALIAS_MAXIMUM);
            clientTopicAliasMaximum = tam == null ? 0 : tam;
            Long requestedExpiry = MqttProps.unsignedInt(props, MqttPropertyType.SESSION_EXPIRY_INTERVAL);
            expiry = requestedExpiry == null ? 0 : requestedExpiry;
        }
        long grantedExpiry = Math.min(expiry == NEVER_EXPIRE ? Long.MAX_VALUE : expiry,
                config.sessions().maxExpiryInterval());
        conn.clientLimits(clientReceiveMaximum, clientMaxPacketSize, clientTopicAliasMaximum);
        conn.connectExpiryInterval(grantedExpiry);

        // --- will [MQTT-3.1.2-7..]
        Will will = null;
        if (header.isWillFlag()) {
            String willTopic = payload.willTopic();
            String problem = MqttStrings.invalidReason(willTopic);
            if (problem == null) {
                problem = TopicFilters.validateTopicName(willTopic);
            }
            if (problem != null) {
                reject(conn, v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_TOPIC_NAME_INVALID : null,
                        "will topic: " + problem, "will topic invalid: " + problem);
                return;
            }
            TopicLimits.Exceeded overLimit = TopicLimits.exceeded(willTopic, ctx.limits().config());
            if (overLimit != null) {
                // The will is published like any PUBLISH, so the same topic bounds apply (v3.1.1 has no fitting
                // return code: the connection is closed without CONNACK, as for an invalid will topic).
                ctx.stats().limitExceeded(overLimit.limit());
                reject(conn, v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_QUOTA_EXCEEDED : null,
                        "will topic: " + overLimit.reason(), "will topic: " + overLimit.reason());
                return;
            }
            if (header.willQos() > mqtt.maxQos()) {
                reject(conn, v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_QOS_NOT_SUPPORTED : null,
                        "will QoS not supported", "will QoS " + header.willQos() + " not supported");
                return;
            }
            if (header.isWillRetain() && !mqtt.retainAvailable()) {
                reject(conn, v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_RETAIN_NOT_SUPPORTED : null,
                        "retain not supported", "will retain not supported");
                return;
            }
            MqttProperties willProps = payload.willProperties();
            PublishProperties wp = v5 ? MqttProps.publishProperties(willProps) : PublishProperties.NONE;
            Long delay = v5 ? MqttProps.unsignedInt(willProps, MqttPropertyType.WILL_DELAY_INTERVAL) : null;
            byte[] willPayload = payload.willMessageInBytes() == null ? new byte[0] : payload.willMessageInBytes();
            will = new Will(new PublishMessage(willTopic, header.willQos(), header.isWillRetain(), willPayload, wp,
                    clientId, ctx.nanoClock().getAsLong()), delay == null ? 0 : delay);
        }

        // --- authentication: the chain may hash a password, so it can answer later, on another thread; meanwhile
        // the handler holds back whatever else the client sent (see MqttChannelHandler).
        conn.state(MqttConnection.State.AUTHENTICATING);
        Credentials credentials = new Credentials(clientId, payload.userName(), payload.passwordInBytes(),
                certificateIdentity(conn), conn.remoteHost());
        Accepted accepted = new Accepted(header, props, version, clientId, assigned, expiry, grantedExpiry, will);
        ctx.security().authenticate(credentials, conn.channel().eventLoop(), result -> {
            if (!conn.channel().isActive()) {
                return;
            }
            if (result instanceof AuthResult.Allowed allowed) {
                conn.principal(allowed.principal());
                open(conn, accepted, resume);
                return; // open() resumes, possibly later (a cluster claim)
            } else {
                AuthResult.Refused refused = (AuthResult.Refused) result;
                if (refused.refusal() == AuthResult.Refusal.SERVER_BUSY) {
                    // v5 0x89 Server busy / v3.1.1 3 Server unavailable: a transient answer, the client retries.
                    reject(conn, v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_BUSY
                                    : MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE,
                            "server busy", "authentication: " + refused.reason());
                    resume.run();
                    return;
                }
                boolean bad = refused.refusal() == AuthResult.Refusal.BAD_CREDENTIALS;
                // v5 0x86 Bad User Name or Password / 0x87 Not authorized; v3.1.1 return codes 4 / 5 [MQTT-3.2.2-...].
                reject(conn, v5 ? (bad ? MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USERNAME_OR_PASSWORD
                                : MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5)
                                : (bad ? MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD
                                : MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED),
                        bad ? "bad user name or password" : "not authorized", "authentication: " + refused.reason());
            }
            resume.run();
        });
    }

    /** What CONNECT negotiated before authentication, carried to {@link #open} once the chain has answered. */
    private record Accepted(MqttConnectVariableHeader header, MqttProperties props, MqttVersion version,
                            String clientId, boolean assigned, long expiry, long grantedExpiry, Will will) {
    }

    /** The principal's name as a session owner, or null when sessions have no owners (binding {@code none}). */
    private String owner(Principal principal) {
        return binder.ownsSessions() ? principal.owner() : null;
    }

    private static MqttConnectReturnCode notAuthorized(boolean v5) {
        return v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5
                : MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED;
    }

    /** The name of the verified client certificate, when the listener asked for one and the chain uses it. */
    private String certificateIdentity(MqttConnection conn) {
        X509Certificate cert = ClientCertificates.verifiedPeer(conn.channel());
        return cert == null ? null : CertificateIdentities.of(cert, ctx.config().auth().certificateIdentity());
    }

    /**
     * Authenticated: open or resume the session and answer CONNACK. In a cluster the client id is first claimed from
     * the other nodes, which close their connection for it and hand over a resumed session; {@code resume} runs once
     * the CONNECT is answered either way.
     */
    private void open(MqttConnection conn, Accepted a, Runnable resume) {
        MqttConnectVariableHeader header = a.header();
        MqttProperties props = a.props();
        MqttVersion version = a.version();
        boolean v5 = version == MqttVersion.MQTT_5;
        String clientId = a.clientId();
        boolean assigned = a.assigned();
        long expiry = a.expiry();
        long grantedExpiry = a.grantedExpiry();
        Will will = a.will();
        MqttConfig mqtt = ctx.config().mqtt();

        // --- keep alive [MQTT-3.1.2-22]: enforced at 1.5x; v5 clients may be told a lower Server Keep Alive.
        int keepAlive = header.keepAliveTimeSeconds();
        Integer serverKeepAlive = null;
        if (v5 && (keepAlive == 0 || keepAlive > mqtt.maxKeepAlive())) {
            serverKeepAlive = mqtt.maxKeepAlive();
            keepAlive = serverKeepAlive;
        } else if (!v5 && keepAlive > mqtt.maxKeepAlive()) {
            keepAlive = mqtt.maxKeepAlive();
        }

        // --- the client id and the identity: bound as auth.clientIdBinding says, and a session is its owner's.
        ClientIdBinder.Outcome binding = binder.bind(conn.principal());
        if (binding instanceof ClientIdBinder.Outcome.Refused refused) {
            reject(conn, notAuthorized(v5), "not authorized", refused.reason());
            resume.run();
            return;
        }
        Principal principal = ((ClientIdBinder.Outcome.Bound) binding).principal();
        if (!principal.clientId().equals(clientId)) {
            clientId = principal.clientId();
            conn.clientId(clientId);
            conn.principal(principal);
            will = will == null ? null : new Will(will.message().withPublisher(clientId), will.delaySeconds());
            a = new Accepted(header, props, version, clientId, assigned, expiry, grantedExpiry, will);
        } else {
            conn.principal(principal);
        }
        String owner = owner(principal);
        if (owner != null && ctx.sessions().ownedByAnother(clientId, owner)) {
            // Never inherited and never taken over: the rightful owner's connection and session stay as they are.
            ctx.stats().clientIdTakeoversRefused.increment();
            reject(conn, notAuthorized(v5), "not authorized",
                    "client id " + clientId + " belongs to another principal's session");
            resume.run();
            return;
        }

        if (will != null) {
            WillChecks.Refusal refusal = WillChecks.check(will.message().topic(), principal, ctx.security());
            if (refusal != null) {
                ctx.stats().aclDenials.increment();
                reject(conn, v5 ? refusal.v5Code() : MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED,
                        "will not authorized", refusal.reason());
                resume.run();
                return;
            }
            // Asked again when the will fires: the ACL may have changed meanwhile.
            Security security = ctx.security();
            will = new Will(will.message(), will.delaySeconds(), topic -> security.mayPublish(principal, topic));
            a = new Accepted(a.header(), a.props(), a.version(), a.clientId(), a.assigned(), a.expiry(),
                    a.grantedExpiry(), will);
        }
        conn.will(will);
        conn.publishBudget(ctx.limits().newPublishBudget());
        int ka = keepAlive;
        Integer ska = serverKeepAlive;
        Accepted acc = a;
        if (ctx.clients() == ClientRegistry.LOCAL) {
            accept(conn, acc, ka, ska);
            resume.run();
            return;
        }
        // Clustered: reading stays paused and further packets stay held (MqttChannelHandler) until the claim is done.
        conn.state(MqttConnection.State.CLAIMING);
        ctx.clients().claim(clientId, owner, header.isCleanSession()).whenComplete((ok, error) ->
                conn.channel().eventLoop().execute(() -> {
                    if (!conn.channel().isActive() || conn.state() != MqttConnection.State.CLAIMING) {
                        return;
                    }
                    Throwable cause = error instanceof java.util.concurrent.CompletionException ? error.getCause()
                            : error;
                    if (cause instanceof ClientRegistry.OwnedByAnother refused) {
                        ctx.stats().clientIdTakeoversRefused.increment();
                        reject(conn, notAuthorized(v5), "not authorized", refused.getMessage());
                        resume.run();
                        return;
                    }
                    if (error != null) {
                        conn.tag(LOG.atWarn()).log("{} session claim failed: {}", conn.describe(), error.toString());
                    }
                    accept(conn, acc, ka, ska);
                    resume.run();
                }));
    }

    /** The client id is live here: open or resume the session, answer CONNACK, resend what the session owes. */
    private void accept(MqttConnection conn, Accepted a, int keepAlive, Integer serverKeepAlive) {
        MqttConnectVariableHeader header = a.header();
        MqttProperties props = a.props();
        MqttVersion version = a.version();
        boolean v5 = version == MqttVersion.MQTT_5;
        String clientId = a.clientId();
        boolean assigned = a.assigned();
        long expiry = a.expiry();
        long grantedExpiry = a.grantedExpiry();
        MqttConfig mqtt = ctx.config().mqtt();
        SessionManager.Opened opened = ctx.sessions().open(clientId, owner(conn.principal()),
                header.isCleanSession(), grantedExpiry, conn);
        if (opened.ownedByAnother()) {
            // Another principal's session appeared meanwhile (a concurrent CONNECT, or handed over by a peer).
            reject(conn, notAuthorized(v5), "not authorized",
                    "client id " + clientId + " belongs to another principal's session");
            return;
        }
        conn.session(opened.session());
        opened.session().readPermission(CachedReadPermission.of(ctx.security(), conn.principal()));
        conn.state(MqttConnection.State.CONNECTED);

        MqttProperties ackProps = new MqttProperties();
        if (v5) {
            if (grantedExpiry != expiry) {
                MqttProps.addInt(ackProps, MqttPropertyType.SESSION_EXPIRY_INTERVAL, (int) grantedExpiry);
            }
            MqttProps.addInt(ackProps, MqttPropertyType.RECEIVE_MAXIMUM, mqtt.receiveMaximum());
            if (mqtt.maxQos() < 2) {
                MqttProps.addInt(ackProps, MqttPropertyType.MAXIMUM_QOS, mqtt.maxQos());
            }
            if (!mqtt.retainAvailable()) {
                MqttProps.addInt(ackProps, MqttPropertyType.RETAIN_AVAILABLE, 0);
            }
            MqttProps.addInt(ackProps, MqttPropertyType.MAXIMUM_PACKET_SIZE, mqtt.maxPacketSize());
            if (assigned) {
                MqttProps.addString(ackProps, MqttPropertyType.ASSIGNED_CLIENT_IDENTIFIER, clientId);
            }
            MqttProps.addInt(ackProps, MqttPropertyType.TOPIC_ALIAS_MAXIMUM, mqtt.topicAliasMaximum());
            if (!mqtt.wildcardSubscriptionAvailable()) {
                MqttProps.addInt(ackProps, MqttPropertyType.WILDCARD_SUBSCRIPTION_AVAILABLE, 0);
            }
            if (!mqtt.subscriptionIdentifiersAvailable()) {
                MqttProps.addInt(ackProps, MqttPropertyType.SUBSCRIPTION_IDENTIFIER_AVAILABLE, 0);
            }
            if (!mqtt.sharedSubscriptionAvailable()) {
                MqttProps.addInt(ackProps, MqttPropertyType.SHARED_SUBSCRIPTION_AVAILABLE, 0);
            }
            if (serverKeepAlive != null) {
                MqttProps.addInt(ackProps, MqttPropertyType.SERVER_KEEP_ALIVE, serverKeepAlive);
            }
            Integer wantsResponseInfo = MqttProps.integer(props, MqttPropertyType.REQUEST_RESPONSE_INFORMATION);
            if (wantsResponseInfo != null && wantsResponseInfo == 1) {
                // A prefix the client may use for its response topics (request/response, spec 4.10).
                MqttProps.addString(ackProps, MqttPropertyType.RESPONSE_INFORMATION, "fleetmq/response/" + clientId);
            }
        }
        MqttConnAckMessage connAck = MqttMessageBuilders.connAck()
                .returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED)
                .sessionPresent(opened.sessionPresent())
                .properties(ackProps)
                .build();
        conn.send(connAck);
        if (keepAlive > 0) {
            long idleMillis = keepAlive * 1500L; // [MQTT-3.1.2-22]: one and a half times the keep alive.
            conn.channel().pipeline().addBefore(ChannelHandlerNames.MQTT_HANDLER, ChannelHandlerNames.KEEP_ALIVE,
                    new IdleStateHandler(idleMillis, 0, 0, TimeUnit.MILLISECONDS));
        }
        ctx.stats().connectedClients.incrementAndGet();
        ctx.stats().clientsConnected.increment();
        conn.tag(LOG.atInfo()).log("{} connected: protocol={} cleanStart={} sessionPresent={} keepAlive={} expiry={}",
                conn.describe(), version, header.isCleanSession(), opened.sessionPresent(), keepAlive,
                grantedExpiry);
        opened.session().attach(conn);
    }

    /**
     * Refuses the CONNECT with a CONNACK carrying {@code code} (when the protocol has one for it) and closes
     * [MQTT-3.2.2-6]; with no code the connection is just closed.
     */
    private void reject(MqttConnection conn, MqttConnectReturnCode code, String reasonString, String logReason) {
        conn.state(MqttConnection.State.CLOSING);
        conn.closeReason(CloseReason.CONNECT_REFUSED);
        if (code == MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED
                || code == MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5
                || code == MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD
                || code == MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USERNAME_OR_PASSWORD
                || code == MqttConnectReturnCode.CONNECTION_REFUSED_BAD_AUTHENTICATION_METHOD) {
            ctx.stats().authFailures.increment();
        }
        conn.tag(LOG.atWarn()).log("{} CONNECT refused: {}", conn.describe(), logReason);
        if (code == null) {
            conn.channel().close();
            return;
        }
        MqttProperties props = conn.isV5() ? MqttProps.reasonString(reasonString) : MqttProperties.NO_PROPERTIES;
        MqttConnAckMessage ack = MqttMessageBuilders.connAck().returnCode(code).sessionPresent(false)
                .properties(props).build();
        conn.channel().writeAndFlush(ack).addListener(ChannelFutureListener.CLOSE);
    }
}
