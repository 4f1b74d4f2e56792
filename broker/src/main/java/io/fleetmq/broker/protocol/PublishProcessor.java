package io.fleetmq.broker.protocol;

import io.fleetmq.broker.metrics.DropReason;
import io.fleetmq.broker.metrics.LimitReason;
import io.fleetmq.broker.codec.MqttStrings;
import io.fleetmq.broker.config.MqttConfig;
import io.fleetmq.broker.message.PublishMessage;
import io.fleetmq.broker.message.PublishProperties;
import io.fleetmq.broker.routing.TopicFilters;
import io.fleetmq.broker.session.Session;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PUBLISH flows (spec 4.3): inbound PUBLISH at QoS 0/1/2 with v5 topic aliases and receive maximum, PUBREL for
 * inbound QoS 2, and the acknowledgements of what the broker sent (PUBACK, PUBREC, PUBCOMP).
 */
final class PublishProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(PublishProcessor.class);

    private final BrokerContext ctx;

    PublishProcessor(BrokerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Handles an inbound PUBLISH. Returns a protocol violation (closing the connection) or null.
     */
    ProtocolViolation publish(MqttConnection conn, MqttPublishMessage msg) {
        MqttPublishVariableHeader vh = msg.variableHeader();
        int qos = msg.fixedHeader().qosLevel().value();
        MqttConfig mqtt = ctx.config().mqtt();
        if (qos == 0 && msg.fixedHeader().isDup()) {
            return ProtocolViolation.malformed("DUP set on a QoS 0 PUBLISH [MQTT-3.3.1-2]");
        }
        if (qos > 0 && vh.packetId() <= 0) {
            return ProtocolViolation.malformed("QoS " + qos + " PUBLISH without packet identifier [MQTT-2.2.1-3]");
        }
        if (qos > mqtt.maxQos()) {
            return new ProtocolViolation(ReasonCodes.QOS_NOT_SUPPORTED, "QoS " + qos + " not supported");
        }
        if (msg.fixedHeader().isRetain() && !mqtt.retainAvailable()) {
            return new ProtocolViolation(ReasonCodes.RETAIN_NOT_SUPPORTED, "retain not supported [MQTT-3.3.1-...]");
        }
        MqttProperties props = vh.properties();
        String topic = vh.topicName();
        if (conn.isV5()) {
            Integer alias = MqttProps.integer(props, MqttPropertyType.TOPIC_ALIAS);
            if (alias != null) {
                if (alias == 0 || alias > mqtt.topicAliasMaximum()) {
                    // [MQTT-3.3.2-8], [MQTT-3.3.2-9]
                    return new ProtocolViolation(ReasonCodes.TOPIC_ALIAS_INVALID, "topic alias " + alias
                            + " outside 1.." + mqtt.topicAliasMaximum());
                }
                if (topic.isEmpty()) {
                    topic = conn.inboundAliases().get(alias);
                    if (topic == null) {
                        return ProtocolViolation.protocolError("topic alias " + alias + " was never set");
                    }
                } else {
                    conn.inboundAliases().put(alias, topic);
                }
            }
        }
        if (topic.isEmpty()) {
            // A zero-length topic is only allowed together with a Topic Alias (v5 3.3.2.3.4).
            return ProtocolViolation.protocolError("empty topic name without a topic alias");
        }
        String problem = MqttStrings.invalidReason(topic);
        if (problem != null) {
            return ProtocolViolation.malformed("topic name: " + problem + " [MQTT-1.5.4-1]");
        }
        problem = TopicFilters.validateTopicName(topic);
        if (problem != null) {
            return new ProtocolViolation(ReasonCodes.TOPIC_NAME_INVALID, "topic name: " + problem);
        }
        PublishProperties pp = conn.isV5() ? MqttProps.publishProperties(props) : PublishProperties.NONE;
        if (pp.responseTopic() != null && TopicFilters.validateTopicName(pp.responseTopic()) != null) {
            return ProtocolViolation.protocolError("response topic is not a valid topic name [MQTT-3.3.2-14]");
        }
        boolean sysTopic = topic.startsWith("$SYS/") || topic.equals("$SYS");
        if (sysTopic && conn.isV5()) {
            // $SYS is the broker's own namespace. A v5 error ack ends the exchange (no PUBREL follows a PUBREC
            // >= 0x80 [MQTT-4.3.3-...]), so nothing is recorded.
            if (qos > 0) {
                conn.send(conn.pubReply(qos == 1 ? MqttMessageType.PUBACK : MqttMessageType.PUBREC, vh.packetId(),
                        ReasonCodes.NOT_AUTHORIZED));
            }
            return null;
        }
        String refusal = null;
        byte refusalCode = ReasonCodes.QUOTA_EXCEEDED;
        PublishMessage message = null;
        if (!sysTopic) {
            LimitReason limit = null;
            TopicLimits.Exceeded overTopic;
            if (!conn.takePublishToken()) {
                limit = LimitReason.PUBLISH_RATE;
                refusal = "over limits.publishRate=" + ctx.limits().config().publishRate() + "/s";
            } else if ((overTopic = TopicLimits.exceeded(topic, ctx.limits().config())) != null) {
                limit = overTopic.limit();
                refusal = overTopic.reason();
            } else if (msg.fixedHeader().isRetain()) {
                message = new PublishMessage(topic, qos, true, ByteBufUtil.getBytes(msg.payload()), pp,
                        conn.clientId(), ctx.nanoClock().getAsLong());
                limit = ctx.router().retained().refusal(message);
                if (limit != null) {
                    // Not stored, so not routed either: a v5 publisher learns it from 0x97 and can act on it.
                    refusal = "retained store bound " + limit.label() + " reached";
                }
            }
            if (limit != null) {
                ctx.stats().limitExceeded(limit);
            } else if (!ctx.security().mayPublish(conn.principal(), topic)) {
                refusal = "denied by ACL";
                refusalCode = ReasonCodes.NOT_AUTHORIZED;
                ctx.stats().aclDenials.increment();
            }
        }
        if (refusal != null) {
            // Not routed. v5 says why in the ack (0x87 Not authorized, 0x97 Quota exceeded); a v3 client has no
            // error ack, so it gets a normal one and the message is dropped (otherwise it would resend forever).
            LOG.warn("{} PUBLISH {} dropped: {}", conn.describe(), topic, refusal);
            ctx.stats().dropped(DropReason.REFUSED, qos);
            if (qos > 0) {
                conn.send(conn.pubReply(qos == 1 ? MqttMessageType.PUBACK : MqttMessageType.PUBREC, vh.packetId(),
                        conn.isV5() ? refusalCode : ReasonCodes.SUCCESS));
            }
            return null;
        }
        Session session = conn.session();
        if (qos == 2 && !session.beginInboundQos2(vh.packetId())) {
            // A re-sent QoS 2 PUBLISH before PUBREL: acknowledged again but not routed again [MQTT-4.3.3-9].
            conn.send(conn.pubReply(MqttMessageType.PUBREC, vh.packetId(), ReasonCodes.SUCCESS));
            return null;
        }
        if (qos == 2 && session.inboundQos2Count() > mqtt.receiveMaximum()) {
            // [MQTT-3.3.4-9]: more unacknowledged QoS 2 PUBLISHes than our Receive Maximum. This one is refused,
            // so it is forgotten: re-sent after a reconnect it must be routed.
            session.releaseInboundQos2(vh.packetId());
            return new ProtocolViolation(ReasonCodes.RECEIVE_MAXIMUM_EXCEEDED, "receive maximum exceeded");
        }
        ctx.stats().received(qos);
        int delivered = 0;
        if (!sysTopic) { // v3 publishes into $SYS are acknowledged (v3 has no error ack) and dropped.
            if (message == null) {
                message = new PublishMessage(topic, qos, msg.fixedHeader().isRetain(),
                        ByteBufUtil.getBytes(msg.payload()), pp, conn.clientId(), ctx.nanoClock().getAsLong());
            }
            delivered = ctx.router().publish(message);
            if (delivered == 0) {
                ctx.stats().unrouted.increment();
            }
        }
        if (qos > 0) {
            byte reason = delivered == 0 ? ReasonCodes.NO_MATCHING_SUBSCRIBERS : ReasonCodes.SUCCESS;
            conn.send(conn.pubReply(qos == 1 ? MqttMessageType.PUBACK : MqttMessageType.PUBREC, vh.packetId(),
                    conn.isV5() ? reason : ReasonCodes.SUCCESS));
        }
        return null;
    }

    /** PUBREL from the client: the inbound QoS 2 exchange ends with PUBCOMP [MQTT-4.3.3-11]. */
    void pubrel(MqttConnection conn, MqttMessage msg) {
        int packetId = packetId(msg);
        boolean known = conn.session().releaseInboundQos2(packetId);
        conn.send(conn.pubReply(MqttMessageType.PUBCOMP, packetId,
                known || !conn.isV5() ? ReasonCodes.SUCCESS : ReasonCodes.PACKET_IDENTIFIER_NOT_FOUND));
    }

    void puback(MqttConnection conn, MqttMessage msg) {
        conn.session().onPuback(packetId(msg));
    }

    void pubrec(MqttConnection conn, MqttMessage msg) {
        int packetId = packetId(msg);
        boolean failed = msg.variableHeader() instanceof MqttPubReplyMessageVariableHeader r
                && (r.reasonCode() & 0xFF) >= 0x80;
        if (!conn.session().onPubrec(packetId, failed) && conn.isV5() && !failed) {
            conn.send(conn.pubReply(MqttMessageType.PUBREL, packetId, ReasonCodes.PACKET_IDENTIFIER_NOT_FOUND));
        }
    }

    void pubcomp(MqttConnection conn, MqttMessage msg) {
        conn.session().onPubcomp(packetId(msg));
    }

    private static int packetId(MqttMessage msg) {
        return ((MqttMessageIdVariableHeader) msg.variableHeader()).messageId();
    }
}
