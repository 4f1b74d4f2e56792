package io.fleetmq.broker.it.attacks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * A plain socket bound to a chosen loopback source address (127.0.0.x all reach the broker on Linux), so a test can
 * be "another host": a trusted load balancer or a stranger. Writes raw bytes and reports what came back before the
 * broker answered or closed.
 */
final class SourceBoundClient {
    private SourceBoundClient() {
    }

    /** What the broker did with one connection. */
    record Answer(byte[] bytes, boolean closed) {
        /** The v3.1.1 CONNACK return code, or -1 when the connection was closed without one. */
        int connackReturnCode() {
            return bytes.length >= 4 && bytes[0] == 0x20 ? bytes[3] : -1;
        }
    }

    /**
     * Connects from {@code sourceIp}, writes {@code prefix} (a PROXY header, or nothing) and {@code packet}, and reads
     * until a 4-byte v3.1.1 CONNACK has arrived, the broker has closed the connection, or {@code timeout} passed.
     */
    static Answer exchange(String sourceIp, int port, byte[] prefix, MqttMessage packet, Duration timeout)
            throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.write(prefix);
        request.write(encode(packet));
        return exchange(sourceIp, port, request.toByteArray(), timeout);
    }

    /** As above with raw bytes (e.g. a PROXY header and an HTTP upgrade request); reads up to 4 bytes back. */
    static Answer exchange(String sourceIp, int port, byte[] request, Duration timeout) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(sourceIp, 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
            s.setSoTimeout((int) timeout.toMillis());
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            try {
                s.getOutputStream().write(request);
                s.getOutputStream().flush();
                InputStream in = s.getInputStream();
                while (got.size() < 4) {
                    int b = in.read();
                    if (b < 0) {
                        return new Answer(got.toByteArray(), true);
                    }
                    got.write(b);
                }
            } catch (java.net.SocketException e) {
                // Connection reset: the broker closed while our bytes were still unread, which is a refusal too.
                return new Answer(got.toByteArray(), true);
            }
            return new Answer(got.toByteArray(), false);
        }
    }

    static byte[] encode(MqttMessage packet) {
        EmbeddedChannel ch = new EmbeddedChannel(MqttEncoder.INSTANCE);
        try {
            ch.writeOutbound(packet);
            ByteBuf b = ch.readOutbound();
            try {
                return ByteBufUtil.getBytes(b);
            } finally {
                b.release();
            }
        } finally {
            ch.finishAndReleaseAll();
        }
    }
}
