package dev.portd.load;

import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code --source}: addresses and IPv4 ranges separated by commas, e.g.
 * {@code 127.0.0.2-127.0.0.9,127.0.1.1}. Each source address has its own ~28,000 ephemeral ports
 * towards one target, so a range lets {@code idle} hold more connections than one address can.
 */
public final class SourceAddresses {
    /** More sources than any test needs; a typo like 127.0.0.1-127.1.0.0 is refused, not expanded. */
    static final int MAX_ADDRESSES = 4096;

    private SourceAddresses() {
    }

    /** The addresses, in order; throws IllegalArgumentException with a message for the user. */
    public static List<InetAddress> parse(String text) {
        List<InetAddress> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int dash = p.indexOf('-');
            if (dash < 0) {
                out.add(address(p));
                continue;
            }
            InetAddress from = address(p.substring(0, dash));
            InetAddress to = address(p.substring(dash + 1));
            if (!(from instanceof Inet4Address) || !(to instanceof Inet4Address)) {
                throw new IllegalArgumentException(p + ": ranges are IPv4 only; list IPv6 addresses one by one");
            }
            long a = toLong(from);
            long b = toLong(to);
            if (b < a || b - a >= MAX_ADDRESSES) {
                throw new IllegalArgumentException(p + ": a range runs upwards and holds at most "
                        + MAX_ADDRESSES + " addresses");
            }
            for (long v = a; v <= b; v++) {
                out.add(fromLong(v));
            }
        }
        if (out.size() > MAX_ADDRESSES) {
            throw new IllegalArgumentException("at most " + MAX_ADDRESSES + " source addresses");
        }
        return out;
    }

    private static InetAddress address(String text) {
        InetAddress a = NetUtil.createInetAddressFromIpAddressString(text.strip());
        if (a == null) {
            throw new IllegalArgumentException(text.strip() + ": not an IP address; use e.g. 127.0.0.2 or 127.0.0.2-127.0.0.9");
        }
        return a;
    }

    private static long toLong(InetAddress a) {
        byte[] b = a.getAddress();
        return ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
    }

    private static InetAddress fromLong(long v) {
        byte[] b = {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        try {
            return InetAddress.getByAddress(b);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);   // four bytes are always an address
        }
    }
}
