package io.fleetmq.broker.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IP address or CIDR block from an {@code addr} ACL rule. Only literal addresses are accepted (never a host name:
 * parsing a rule must not do DNS).
 */
public record AddressBlock(byte[] network, int prefix) {
    /**
     * IPv6 (has a colon) or dotted-quad IPv4. Anything else, even hex-only like "cafe", would make
     * {@link InetAddress#getByName} ask DNS.
     */
    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*|\\d{1,3}(\\.\\d{1,3}){3}");

    public static AddressBlock parse(String s) {
        int slash = s.indexOf('/');
        String ip = slash < 0 ? s : s.substring(0, slash);
        byte[] addr = literal(ip);
        if (addr == null) {
            throw new IllegalArgumentException("'" + s + "' is not an IP address or CIDR block");
        }
        int prefix = addr.length * 8;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > addr.length * 8) {
                throw new IllegalArgumentException("'" + s + "': prefix length must be 0-" + addr.length * 8);
            }
        }
        return new AddressBlock(addr, prefix);
    }

    public boolean contains(String address) {
        return contains(address == null ? null : literal(address));
    }

    /** Whether a socket's peer address lies in this block (no lookup: the address is already resolved). */
    public boolean contains(InetAddress address) {
        return contains(address == null ? null : address.getAddress());
    }

    private boolean contains(byte[] a) {
        if (a == null || a.length != network.length) {
            return false;
        }
        for (int bit = 0; bit < prefix; bit++) {
            int mask = 0x80 >> (bit % 8);
            if ((a[bit / 8] & mask) != (network[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    private static byte[] literal(String ip) {
        if (ip.isEmpty() || !LITERAL.matcher(ip).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(ip).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
