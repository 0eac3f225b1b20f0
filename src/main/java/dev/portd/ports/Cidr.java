package dev.portd.ports;

import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An address range such as {@code 10.0.0.0/8} or {@code 2001:db8::/32}; a bare address is a range
 * of one. IPv4-mapped IPv6 addresses (what a dual-stack socket may report) match IPv4 ranges.
 */
public record Cidr(InetAddress network, int prefix) {

    /** Parses {@code ADDR} or {@code ADDR/PREFIX}; throws IllegalArgumentException saying why not. */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        String addressText = slash < 0 ? text : text.substring(0, slash);
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(addressText.strip());
        if (bytes == null) {
            throw new IllegalArgumentException("\"" + text + "\" is not an IPv4 or IPv6 address or CIDR range");
        }
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(text.substring(slash + 1).strip());
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("\"" + text + "\": prefix length must be 0.." + max);
            }
        }
        mask(bytes, prefix);
        return new Cidr(address(bytes), prefix);
    }

    /** True when the address lies in this range. */
    public boolean contains(InetAddress address) {
        byte[] candidate = unmapped(address).getAddress();
        byte[] net = network.getAddress();
        if (candidate.length != net.length) {
            return false;
        }
        mask(candidate, prefix);
        return java.util.Arrays.equals(candidate, net);
    }

    /** The IPv4 address inside an IPv4-mapped IPv6 address, else the address itself. */
    public static InetAddress unmapped(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] b = address.getAddress();
            boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
            for (int i = 0; i < 10 && mapped; i++) {
                mapped = b[i] == 0;
            }
            if (mapped) {
                return address(new byte[] {b[12], b[13], b[14], b[15]});
            }
        }
        return address;
    }

    private static void mask(byte[] bytes, int prefix) {
        for (int i = 0; i < bytes.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            bytes[i] &= (byte) (0xff << (8 - keep));
        }
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);   // only for a wrong length, which cannot happen here
        }
    }

    @Override
    public String toString() {
        int max = network instanceof Inet4Address ? 32 : 128;
        String address = NetUtil.toAddressString(network);
        return prefix == max ? address : address + "/" + prefix;
    }
}
