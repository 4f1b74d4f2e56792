package io.fleetmq.broker.testing;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

import java.util.concurrent.CompletableFuture;

/** A Paho v5 callback that records the reason code of the server's DISCONNECT and ignores everything else. */
public final class V5DisconnectRecorder implements MqttCallback {
    private final CompletableFuture<Integer> reason = new CompletableFuture<>();

    /** Completes with the reason code of the server's DISCONNECT. */
    public CompletableFuture<Integer> reason() {
        return reason;
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
        reason.complete(response.getReturnCode());
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
    }

    @Override
    public void deliveryComplete(IMqttToken token) {
    }

    @Override
    public void connectComplete(boolean reconnect, String serverURI) {
    }

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {
    }
}
