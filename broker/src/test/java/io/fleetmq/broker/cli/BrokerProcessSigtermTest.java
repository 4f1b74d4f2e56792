package io.fleetmq.broker.cli;

import io.fleetmq.broker.testing.BrokerJvm;
import io.fleetmq.broker.testing.V5DisconnectRecorder;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real start path: {@code fleetmq broker} as its own JVM process, stopped with SIGTERM. A connected v5 client
 * must receive DISCONNECT 0x8B (Server shutting down) and the process must exit 0 within the grace period.
 */
class BrokerProcessSigtermTest {

    @Test
    void sigtermDisconnectsV5ClientsWithServerShuttingDownAndExitsZero() throws Exception {
        try (BrokerJvm broker = BrokerJvm.start(List.of(BrokerJvm.mainLogbackOption()), "shutdown.gracePeriod=5s")) {
            V5DisconnectRecorder disconnects = new V5DisconnectRecorder();
            MqttClient client = new MqttClient("tcp://127.0.0.1:" + broker.awaitPort(), "sigterm-probe",
                    new MemoryPersistence());
            client.setCallback(disconnects);
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setAutomaticReconnect(false);
            client.connect(options);

            int exit = broker.sigterm(10);

            assertThat(disconnects.reason().get(10, TimeUnit.SECONDS)).isEqualTo(0x8B);
            assertThat(exit).as("process exited 0").isZero();
            assertThat(broker.lines()).anyMatch(l -> l.contains("shutting down: 1 client connections"));
            client.close(true);
        }
    }
}
