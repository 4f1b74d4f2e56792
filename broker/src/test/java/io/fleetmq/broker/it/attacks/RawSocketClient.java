package io.fleetmq.broker.it.attacks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * An MQTT 3.1.1 client on a plain {@link Socket}, packets written byte by byte: an attacker controls exactly when it
 * reads (or that it never does) and how fast it writes, which no library client lets a test do.
 */
final class RawSocketClient implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    private RawSocketClient(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = socket.getInputStream();
    }

    /**
     * Connects with a small receive buffer (set before connecting, so the TCP window is small from the start): a
     * client that stops reading then fills up after a few kilobytes, not megabytes.
     */
    static RawSocketClient open(int port, int receiveBufferBytes) throws IOException {
        Socket s = new Socket();
        if (receiveBufferBytes > 0) {
            s.setReceiveBufferSize(receiveBufferBytes);
        }
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.setSoTimeout(10_000);
        return new RawSocketClient(s);
    }

    /** CONNECT (3.1.1, clean session, keep alive 0: no pings needed) and reads the CONNACK; returns its code. */
    int connect(String clientId) throws IOException {
        return connect(clientId, true);
    }

    /** CONNECT (3.1.1, keep alive 0) with the clean session flag given; returns the CONNACK return code. */
    int connect(String clientId, boolean cleanSession) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeString(body, "MQTT");           // protocol name
        body.write(4);                       // level 4 = 3.1.1
        body.write(cleanSession ? 0x02 : 0); // flags: clean session or not
        body.write(0);                       // keep alive MSB
        body.write(0);                       // keep alive LSB: 0 = off
        writeString(body, clientId);         // payload: client id
        send(0x10, body.toByteArray());
        byte[] connack = in.readNBytes(4);   // 0x20, 2, session present, return code
        if (connack.length < 4 || connack[0] != 0x20) {
            throw new IOException("no CONNACK");
        }
        return connack[3];
    }

    /** SUBSCRIBE one filter and reads the SUBACK; returns the granted QoS or 0x80. */
    int subscribe(String filter, int qos) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(0);                       // packet id MSB
        body.write(1);                       // packet id LSB
        writeString(body, filter);
        body.write(qos);                     // requested QoS
        send(0x82, body.toByteArray());      // SUBSCRIBE, flags 0010 [MQTT-3.8.1-1]
        byte[] suback = in.readNBytes(5);    // 0x90, 3, packet id (2), return code
        if (suback.length < 5 || (suback[0] & 0xFF) != 0x90) {
            throw new IOException("no SUBACK");
        }
        return suback[4] & 0xFF;
    }

    /** A QoS 0 PUBLISH, encoded once so a flood can write it in a loop. */
    static byte[] qos0Publish(String topic, byte[] payload) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeString(body, topic);
        body.writeBytes(payload);
        return packet(0x30, body.toByteArray());
    }

    /** A QoS 1 PUBLISH with packet id {@code packetId}. */
    static byte[] qos1Publish(String topic, int packetId, byte[] payload) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeString(body, topic);
        body.write(packetId >> 8);
        body.write(packetId & 0xFF);
        body.writeBytes(payload);
        return packet(0x32, body.toByteArray());
    }

    void write(byte[] packet) throws IOException {
        out.write(packet);
    }

    /** A received PUBLISH: QoS, packet id (0 for QoS 0) and payload. */
    record Publish(int qos, int packetId, byte[] payload) {
    }

    /** Reads packets until a PUBLISH arrives (3.1.1 framing: no properties) and returns it; others are skipped. */
    Publish readPublish() throws IOException {
        while (true) {
            int header = in.read();
            if (header < 0) {
                throw new IOException("connection closed");
            }
            int len = 0;
            int shift = 0;
            int b;
            do { // remaining length, variable byte integer [MQTT-1.5.5]
                b = in.read();
                len |= (b & 0x7F) << shift;
                shift += 7;
            } while ((b & 0x80) != 0);
            byte[] body = in.readNBytes(len);
            if ((header & 0xF0) != 0x30) {
                continue;
            }
            int qos = (header >> 1) & 3;
            int topicLength = ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
            int pos = 2 + topicLength;
            int packetId = 0;
            if (qos > 0) {
                packetId = ((body[pos] & 0xFF) << 8) | (body[pos + 1] & 0xFF);
                pos += 2;
            }
            return new Publish(qos, packetId, java.util.Arrays.copyOfRange(body, pos, body.length));
        }
    }

    /** PUBACK for a QoS 1 PUBLISH. */
    void puback(int packetId) throws IOException {
        out.write(new byte[] {0x40, 2, (byte) (packetId >> 8), (byte) packetId});
    }

    /**
     * Reads until the broker closes the connection (whatever it had written is skipped). True when the socket ended
     * (EOF or reset) within the socket timeout.
     */
    boolean readUntilClosed() {
        byte[] buf = new byte[64 * 1024];
        try {
            while (in.read(buf) >= 0) {
                // skip
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by the broker: closed too
        }
    }

    private void send(int header, byte[] body) throws IOException {
        out.write(packet(header, body));
        out.flush();
    }

    private static byte[] packet(int header, byte[] body) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(header);
        int len = body.length;
        do { // remaining length, variable byte integer [MQTT-1.5.5]
            int b = len % 128;
            len /= 128;
            p.write(len > 0 ? b | 0x80 : b);
        } while (len > 0);
        p.writeBytes(body);
        return p.toByteArray();
    }

    private static void writeString(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b.length >> 8);
        out.write(b.length & 0xFF);
        out.writeBytes(b);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
