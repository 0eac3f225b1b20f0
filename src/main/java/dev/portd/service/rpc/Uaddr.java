package dev.portd.service.rpc;

import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Universal addresses (RFC 5665 section 5.2.3, used by rpcbind, RFC 1833): the address in its usual
 * text, then the port as two decimal bytes, {@code h1.h2.h3.h4.p1.p2} for IPv4 and e.g.
 * {@code ::1.0.111} for IPv6.
 */
public final class Uaddr {
    private Uaddr() {
    }

    /** The universal address of an IP address and port. */
    public static String of(InetAddress address, int port) {
        InetAddress a = RpcCaller.unmapped(address);
        String host = a instanceof Inet4Address ? a.getHostAddress() : NetUtil.toAddressString(a);
        return host + "." + (port >> 8) + "." + (port & 0xFF);
    }

    public static String of(InetSocketAddress address) {
        return of(address.getAddress(), address.getPort());
    }

    /** Parses a universal IP address; null when it is not one. */
    public static InetSocketAddress parse(String uaddr) {
        int last = uaddr.lastIndexOf('.');
        int before = last < 0 ? -1 : uaddr.lastIndexOf('.', last - 1);
        if (before <= 0) {
            return null;
        }
        int hi = octet(uaddr.substring(before + 1, last));
        int lo = octet(uaddr.substring(last + 1));
        InetAddress host = NetUtil.createInetAddressFromIpAddressString(uaddr.substring(0, before));
        if (hi < 0 || lo < 0 || host == null) {
            return null;
        }
        return new InetSocketAddress(host, hi << 8 | lo);
    }

    /**
     * The port of a universal IP address, or -1: its last two parts only, as rpcbind's
     * {@code uaddr2port} reads them (GETPORT and DUMP need no more, and run often).
     */
    public static int port(String uaddr) {
        int last = uaddr.lastIndexOf('.');
        int before = last < 0 ? -1 : uaddr.lastIndexOf('.', last - 1);
        if (before <= 0) {
            return -1;
        }
        int hi = octet(uaddr.substring(before + 1, last));
        int lo = octet(uaddr.substring(last + 1));
        return hi < 0 || lo < 0 ? -1 : hi << 8 | lo;
    }

    private static int octet(String s) {
        if (s.isEmpty() || s.length() > 3 || !s.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        int v = Integer.parseInt(s);
        return v <= 255 ? v : -1;
    }
}
