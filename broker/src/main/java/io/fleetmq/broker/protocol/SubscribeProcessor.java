package io.fleetmq.broker.protocol;

import io.fleetmq.broker.codec.MqttStrings;
import io.fleetmq.broker.config.MqttConfig;
import io.fleetmq.broker.metrics.LimitReason;
import io.fleetmq.broker.routing.Subscription;
import io.fleetmq.broker.routing.SubscriptionRegistry;
import io.fleetmq.broker.routing.TopicFilters;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubAckPayload;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/** SUBSCRIBE and UNSUBSCRIBE (spec 3.8, 3.10): validate each filter, record it, answer, send retained messages. */
final class SubscribeProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(SubscribeProcessor.class);

    private final BrokerContext ctx;

    SubscribeProcessor(BrokerContext ctx) {
        this.ctx = ctx;
    }

    ProtocolViolation subscribe(MqttConnection conn, MqttSubscribeMessage msg) {
        int packetId = msg.variableHeader().messageId();
        List<MqttTopicSubscription> requested = msg.payload().topicSubscriptions();
        if (requested.isEmpty()) {
            return ProtocolViolation.protocolError("SUBSCRIBE without topic filters [MQTT-3.8.3-3]");
        }
        MqttConfig mqtt = ctx.config().mqtt();
        boolean v5 = conn.isV5();
        MqttProperties props = msg.idAndPropertiesVariableHeader().properties();
        int subscriptionId = 0;
        if (v5 && MqttProps.has(props, MqttPropertyType.SUBSCRIPTION_IDENTIFIER)) {
            subscriptionId = MqttProps.integer(props, MqttPropertyType.SUBSCRIPTION_IDENTIFIER);
            if (subscriptionId == 0) {
                return ProtocolViolation.protocolError("subscription identifier 0 [MQTT-3.8.2-...]");
            }
        }
        SubscriptionRegistry registry = ctx.router().registry();
        int[] codes = new int[requested.size()];
        List<Subscription> retainedToSend = new ArrayList<>();
        for (int i = 0; i < requested.size(); i++) {
            MqttTopicSubscription ts = requested.get(i);
            String filter = ts.topicFilter();
            MqttSubscriptionOption option = ts.option();
            boolean shared = TopicFilters.isShared(filter);
            String problem = MqttStrings.invalidReason(filter);
            if (problem != null) {
                return ProtocolViolation.malformed("topic filter: " + problem + " [MQTT-1.5.4-1]");
            }
            if (shared && option.isNoLocal()) {
                return ProtocolViolation.protocolError("no-local on a shared subscription [MQTT-3.8.3-4]");
            }
            problem = TopicFilters.validateFilter(filter);
            if (problem != null) {
                codes[i] = v5 ? ReasonCodes.TOPIC_FILTER_INVALID & 0xFF : ReasonCodes.V3_SUBACK_FAILURE;
                continue;
            }
            if (shared && !mqtt.sharedSubscriptionAvailable()) {
                codes[i] = v5 ? ReasonCodes.SHARED_SUBSCRIPTIONS_NOT_SUPPORTED & 0xFF : ReasonCodes.V3_SUBACK_FAILURE;
                continue;
            }
            if (!mqtt.wildcardSubscriptionAvailable() && (filter.contains("+") || filter.contains("#"))) {
                codes[i] = v5 ? ReasonCodes.WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED & 0xFF
                        : ReasonCodes.V3_SUBACK_FAILURE;
                continue;
            }
            if (subscriptionId != 0 && !mqtt.subscriptionIdentifiersAvailable()) {
                codes[i] = ReasonCodes.SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED & 0xFF;
                continue;
            }
            TopicLimits.Exceeded overLimit = TopicLimits.exceeded(filter, ctx.limits().config());
            if (overLimit == null && overSubscriptionLimit(conn, filter)) {
                overLimit = new TopicLimits.Exceeded(LimitReason.SUBSCRIPTIONS, "more than "
                        + "limits.maxSubscriptionsPerClient=" + ctx.limits().config().maxSubscriptionsPerClient()
                        + " subscriptions");
            }
            if (overLimit != null) {
                ctx.stats().limitExceeded(overLimit.limit());
                LOG.warn("{} SUBSCRIBE {} refused: {}", conn.describe(), filter, overLimit.reason());
                codes[i] = v5 ? ReasonCodes.QUOTA_EXCEEDED & 0xFF : ReasonCodes.V3_SUBACK_FAILURE;
                continue;
            }
            if (!ctx.security().maySubscribe(conn.principal(), withoutShareGroup(filter))) {
                // Denied by the ACL: v5 0x87 Not authorized, v3.1.1 0x80 Failure [MQTT-3.9.3-...].
                ctx.stats().aclDenials.increment();
                LOG.warn("{} SUBSCRIBE {} denied by ACL", conn.describe(), filter);
                codes[i] = v5 ? ReasonCodes.NOT_AUTHORIZED & 0xFF : ReasonCodes.V3_SUBACK_FAILURE;
                continue;
            }
            int granted = Math.min(option.qos().value(), mqtt.maxQos());
            int retainHandling = v5 ? option.retainHandling().value() : 0;
            Subscription subscription = new Subscription(filter, granted, v5 && option.isNoLocal(),
                    v5 && option.isRetainAsPublished(), retainHandling, subscriptionId);
            boolean isNew = registry.subscribe(conn.clientId(), subscription);
            codes[i] = granted;
            // Retained messages on subscribe [MQTT-3.3.1-9], per retain handling [MQTT-3.3.1-10], [MQTT-3.3.1-11];
            // never for shared subscriptions (spec 4.8.2).
            if (!shared && (retainHandling == 0 || (retainHandling == 1 && isNew))) {
                retainedToSend.add(subscription);
            }
        }
        // SUBACK first: it must precede the retained messages it enables [MQTT-3.8.4-1].
        MqttSubAckMessage ack = new MqttSubAckMessage(
                new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttMessageIdAndPropertiesVariableHeader(packetId, MqttProperties.NO_PROPERTIES),
                new MqttSubAckPayload(codes));
        conn.send(ack);
        for (Subscription s : retainedToSend) {
            ctx.router().sendRetained(conn.session(), s);
        }
        return null;
    }

    /** Whether a new filter would take the client past limits.maxSubscriptionsPerClient (replacing one would not). */
    private boolean overSubscriptionLimit(MqttConnection conn, String filter) {
        int max = ctx.limits().config().maxSubscriptionsPerClient();
        if (max == 0) {
            return false;
        }
        return ctx.router().registry().wouldExceed(conn.clientId(), filter, max);
    }

    /** {@code $share/group/a/b} is authorized as {@code a/b}: the ACL is about topics, not groups. */
    private static String withoutShareGroup(String filter) {
        if (!TopicFilters.isShared(filter)) {
            return filter;
        }
        int groupEnd = filter.indexOf('/', "$share/".length());
        return groupEnd < 0 ? filter : filter.substring(groupEnd + 1);
    }

    ProtocolViolation unsubscribe(MqttConnection conn, MqttUnsubscribeMessage msg) {
        int packetId = msg.variableHeader().messageId();
        List<String> filters = msg.payload().topics();
        if (filters.isEmpty()) {
            return ProtocolViolation.protocolError("UNSUBSCRIBE without topic filters [MQTT-3.10.3-2]");
        }
        short[] codes = new short[filters.size()];
        for (int i = 0; i < filters.size(); i++) {
            String filter = filters.get(i);
            if (MqttStrings.invalidReason(filter) != null) {
                return ProtocolViolation.malformed("topic filter: ill-formed UTF-8 [MQTT-1.5.4-1]");
            }
            if (TopicFilters.validateFilter(filter) != null) {
                codes[i] = ReasonCodes.TOPIC_FILTER_INVALID & 0xFF;
            } else {
                boolean removed = ctx.router().registry().unsubscribe(conn.clientId(), filter);
                codes[i] = removed ? ReasonCodes.SUCCESS : ReasonCodes.NO_SUBSCRIPTION_EXISTED;
            }
        }
        conn.send(new MqttUnsubAckMessage(
                new MqttFixedHeader(MqttMessageType.UNSUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttMessageIdAndPropertiesVariableHeader(packetId, MqttProperties.NO_PROPERTIES),
                // v3 UNSUBACK is just the packet id [MQTT-3.11.2-1]; Netty would otherwise encode the codes too.
                conn.isV5() ? new MqttUnsubAckPayload(codes) : null));
        return null;
    }
}
