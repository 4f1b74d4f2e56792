package io.fleetmq.broker.it.v5;

import io.fleetmq.broker.config.MqttConfig;

/** Copies of {@link MqttConfig} with one setting changed (the record has no withers). */
final class MqttConfigs {
    private MqttConfigs() {
    }

    static MqttConfig receiveMaximum(MqttConfig m, int v) {
        return new MqttConfig(m.maxPacketSize(), v, m.topicAliasMaximum(), m.maxKeepAlive(), m.maxQos(),
                m.retainAvailable(), m.wildcardSubscriptionAvailable(), m.sharedSubscriptionAvailable(),
                m.subscriptionIdentifiersAvailable(), m.maxClientIdLength(), m.connectTimeout());
    }

    static MqttConfig maxPacketSize(MqttConfig m, int v) {
        return new MqttConfig(v, m.receiveMaximum(), m.topicAliasMaximum(), m.maxKeepAlive(), m.maxQos(),
                m.retainAvailable(), m.wildcardSubscriptionAvailable(), m.sharedSubscriptionAvailable(),
                m.subscriptionIdentifiersAvailable(), m.maxClientIdLength(), m.connectTimeout());
    }

    static MqttConfig maxKeepAlive(MqttConfig m, int v) {
        return new MqttConfig(m.maxPacketSize(), m.receiveMaximum(), m.topicAliasMaximum(), v, m.maxQos(),
                m.retainAvailable(), m.wildcardSubscriptionAvailable(), m.sharedSubscriptionAvailable(),
                m.subscriptionIdentifiersAvailable(), m.maxClientIdLength(), m.connectTimeout());
    }

    static MqttConfig maxQos(MqttConfig m, int v) {
        return new MqttConfig(m.maxPacketSize(), m.receiveMaximum(), m.topicAliasMaximum(), m.maxKeepAlive(), v,
                m.retainAvailable(), m.wildcardSubscriptionAvailable(), m.sharedSubscriptionAvailable(),
                m.subscriptionIdentifiersAvailable(), m.maxClientIdLength(), m.connectTimeout());
    }

    static MqttConfig features(MqttConfig m, boolean wildcards, boolean shared, boolean subscriptionIds) {
        return new MqttConfig(m.maxPacketSize(), m.receiveMaximum(), m.topicAliasMaximum(), m.maxKeepAlive(),
                m.maxQos(), m.retainAvailable(), wildcards, shared, subscriptionIds, m.maxClientIdLength(),
                m.connectTimeout());
    }
}
