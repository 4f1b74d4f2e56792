package io.fleetmq.broker.it.security;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.fleetmq.broker.config.TcpListenerConfig;
import io.fleetmq.broker.config.TlsConfig;
import io.fleetmq.broker.config.TlsListenerConfig;
import io.fleetmq.broker.testing.TestBroker;
import io.fleetmq.broker.testing.TestPki;
import io.fleetmq.broker.testing.TestPki.Issued;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MQTT over WebSocket (path /mqtt, subprotocol mqtt) and over WebSocket with TLS, with the WebSocket transports of
 * the HiveMQ client (v5) and Eclipse Paho (v3.1.1), exchanging messages with a plain TCP client.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebSocketTest {
    @TempDir
    Path dir;

    private TestBroker startWs() {
        return TestBroker.start(c -> c.withListeners(c.listeners()
                .withWs(new TcpListenerConfig(true, "127.0.0.1", 0))));
    }

    @Test
    void hiveMqV5OverWebSocketTalksToAPahoTcpClient() throws Exception {
        try (TestBroker b = startWs()) {
            int wsPort = b.broker().listenerAddress("ws").getPort();
            Mqtt5BlockingClient web = Mqtt5Client.builder().identifier("web-app").serverHost("127.0.0.1")
                    .serverPort(wsPort).webSocketConfig().serverPath("mqtt").applyWebSocketConfig().buildBlocking();
            web.connect();
            MqttClient device = TlsClients.connect("tcp://127.0.0.1:" + b.port(), "tcp-device", null, null, null);
            try (Mqtt5BlockingClient.Mqtt5Publishes publishes = web.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL)) {
                web.subscribeWith().topicFilter("devices/+/state").qos(MqttQos.AT_LEAST_ONCE).send();
                device.publish("devices/7/state", "online".getBytes(StandardCharsets.UTF_8), 1, false);
                Optional<Mqtt5Publish> got = publishes.receive(5, TimeUnit.SECONDS);
                assertThat(got).isPresent();
                assertThat(new String(got.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("online");

                // and the other way round: the app commands the device
                BlockingQueue<String> commands = new LinkedBlockingQueue<>();
                device.subscribe("devices/7/cmd", 1,
                        (t, m) -> commands.add(new String(m.getPayload(), StandardCharsets.UTF_8)));
                web.publishWith().topic("devices/7/cmd").payload("reboot".getBytes(StandardCharsets.UTF_8))
                        .qos(MqttQos.AT_LEAST_ONCE).send();
                assertThat(commands.poll(5, TimeUnit.SECONDS)).isEqualTo("reboot");
            } finally {
                web.disconnect();
                TlsClients.closeQuietly(device);
            }
        }
    }

    @Test
    void pahoV3OverWebSocketRoundTrip() throws Exception {
        try (TestBroker b = startWs()) {
            String uri = "ws://127.0.0.1:" + b.broker().listenerAddress("ws").getPort() + "/mqtt";
            MqttClient c = TlsClients.connect(uri, "paho-ws", null, null, null);
            try {
                TlsClients.assertRoundTrip(c, c, "ws/paho");
            } finally {
                TlsClients.closeQuietly(c);
            }
        }
    }

    @Test
    void secureWebSocketWithTheTlsCertificate() throws Exception {
        Issued ca = TestPki.ca("Fleet CA");
        Path cert = dir.resolve("server.pem");
        Path key = dir.resolve("server.key");
        TestPki.server(ca, "broker-1").writePem(cert, key);
        try (TestBroker b = TestBroker.start(c -> c
                .withTls(TlsConfig.defaults().withFiles(cert.toString(), key.toString(), ""))
                .withListeners(c.listeners().withWss(TlsListenerConfig.wssDefaults()
                        .enabledOn("127.0.0.1", 0, TlsListenerConfig.ClientAuth.NONE))))) {
            int port = b.broker().listenerAddress("wss").getPort();
            Mqtt5BlockingClient app = Mqtt5Client.builder().identifier("wss-app").serverHost("127.0.0.1")
                    .serverPort(port).sslConfig().trustManagerFactory(TestPki.trustManagers(ca)).applySslConfig()
                    .webSocketConfig().serverPath("mqtt").applyWebSocketConfig().buildBlocking();
            app.connect();
            app.disconnect();

            MqttClient paho = TlsClients.connect("wss://127.0.0.1:" + port + "/mqtt", "paho-wss",
                    TestPki.clientContext(ca, null), null, null);
            try {
                TlsClients.assertRoundTrip(paho, paho, "wss/paho");
            } finally {
                TlsClients.closeQuietly(paho);
            }
        }
    }

    @Test
    void anUpgradeToAnotherPathIsRefused() throws Exception {
        try (TestBroker b = startWs();
             Socket s = new Socket("127.0.0.1", b.broker().listenerAddress("ws").getPort())) {
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /other HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Protocol: mqtt\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(response).isEqualTo("HTTP/1.1 404");
        }
    }

    @Test
    void upgradeOnMqttPathAnswersWithTheMqttSubprotocol() throws Exception {
        try (TestBroker b = startWs();
             Socket s = new Socket("127.0.0.1", b.broker().listenerAddress("ws").getPort())) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write(("GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            StringBuilder head = new StringBuilder();
            InputStream in = s.getInputStream();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int ch = in.read();
                if (ch < 0) {
                    break;
                }
                head.append((char) ch);
            }
            assertThat(head.toString()).startsWith("HTTP/1.1 101");
            assertThat(head.toString().toLowerCase()).contains("sec-websocket-protocol: mqtt\r\n");
        }
    }
}
