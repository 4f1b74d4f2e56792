package io.fleetmq.broker.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/** PROXY protocol headers as a load balancer (HAProxy, AWS NLB) writes them before the client's first byte. */
public final class ProxyHeaders {
    private ProxyHeaders() {
    }

    /** PROXY v1: the text form. */
    public static byte[] v1(String sourceIp, int sourcePort) {
        return ("PROXY TCP4 " + sourceIp + " 127.0.0.1 " + sourcePort + " 1883\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** PROXY v2: binary form, PROXY command, TCP over IPv4. */
    public static byte[] v2(String sourceIp, int sourcePort) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.write(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A}); // signature
            b.write(0x21); // version 2, command PROXY
            b.write(0x11); // AF_INET, STREAM
            b.write(new byte[] {0x00, 0x0C}); // 12 address bytes follow
            b.write(InetAddress.getByName(sourceIp).getAddress()); // source address
            b.write(new byte[] {127, 0, 0, 1}); // destination address
            b.write(new byte[] {(byte) (sourcePort >> 8), (byte) sourcePort}); // source port
            b.write(new byte[] {0x07, 0x5B}); // destination port 1883
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
