package io.fleetmq.broker.cluster.local;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a node's retained {@code $SYS/broker/...} values over MQTT, the way any operator could with
 * {@code mosquitto_sub -t '$SYS/#'}: a short blocking session using Netty's MQTT codec on a plain socket.
 */
final class SysProbe {
    private SysProbe() {
    }

    /**
     * Subscribes to {@code $SYS/broker/#} on the node and collects retained values for up to {@code timeoutMillis}.
     *
     * @return topic suffix (after {@code $SYS/broker/}) to value
     * @throws IOException when the node cannot be reached or refuses the connection
     */
    static Map<String, String> read(String host, int port, int timeoutMillis, boolean proxyProtocol)
            throws IOException {
        EmbeddedChannel codec = new EmbeddedChannel(new MqttDecoder(), MqttEncoder.INSTANCE);
        Map<String, String> values = new LinkedHashMap<>();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            socket.setSoTimeout(100);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            if (proxyProtocol) {
                out.write(proxyV2Header(socket));
            }
            send(codec, out, MqttMessageBuilders.connect().clientId("fleetmq-status-" + ProcessHandle.current().pid())
                    .protocolVersion(MqttVersion.MQTT_3_1_1).cleanSession(true).keepAlive(10).build());
            send(codec, out, MqttMessageBuilders.subscribe().messageId(1)
                    .addSubscription(MqttQoS.AT_MOST_ONCE, "$SYS/broker/#").build());
            long deadline = System.currentTimeMillis() + timeoutMillis;
            byte[] buf = new byte[8192];
            while (System.currentTimeMillis() < deadline) {
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException e) {
                    if (!values.isEmpty()) {
                        break; // retained values arrive in one burst after SUBACK
                    }
                    continue;
                }
                if (n < 0) {
                    throw new IOException("connection closed by " + host + ":" + port);
                }
                codec.writeInbound(Unpooled.wrappedBuffer(buf, 0, n));
                for (Object m; (m = codec.readInbound()) != null; ) {
                    if (m instanceof MqttConnAckMessage ack
                            && ack.variableHeader().connectReturnCode() != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
                        throw new IOException("connection refused: " + ack.variableHeader().connectReturnCode());
                    }
                    if (m instanceof MqttPublishMessage p) {
                        String topic = p.variableHeader().topicName();
                        values.put(topic.substring("$SYS/broker/".length()),
                                p.payload().toString(StandardCharsets.UTF_8));
                        p.release();
                    }
                }
            }
            send(codec, out, MqttMessage.DISCONNECT);
        } finally {
            codec.finishAndReleaseAll();
        }
        return values;
    }

    /**
     * A PROXY protocol v2 header (TCP over IPv4) naming this socket's own addresses: nodes behind HAProxy accept
     * only connections that start with one.
     */
    private static byte[] proxyV2Header(Socket socket) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(28);
        b.put(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
        b.put((byte) 0x21); // version 2, PROXY command
        b.put((byte) 0x11); // AF_INET, STREAM
        b.putShort((short) 12);
        b.put(socket.getLocalAddress().getAddress());
        b.put(socket.getInetAddress().getAddress());
        b.putShort((short) socket.getLocalPort());
        b.putShort((short) socket.getPort());
        return b.array();
    }

    private static void send(EmbeddedChannel codec, OutputStream out, MqttMessage message) throws IOException {
        codec.writeOutbound(message);
        for (ByteBuf b; (b = codec.readOutbound()) != null; ) {
            try {
                byte[] bytes = new byte[b.readableBytes()];
                b.readBytes(bytes);
                out.write(bytes);
            } finally {
                b.release();
            }
        }
        out.flush();
    }
}
