package dev.portd.scan;

import dev.portd.ports.Cidr;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** The hosts to scan: host names, IPv4 and IPv6 addresses and CIDR ranges, expanded to addresses. */
public final class Targets {
    /** A scan of more hosts than this is refused: 65,536 is a /16 of IPv4 or a /112 of IPv6. */
    static final int MAX_HOSTS = 65_536;

    private Targets() {
    }

    /**
     * One host to scan.
     *
     * @param name    the name the user gave, or empty for an address or a range
     * @param address its address
     */
    public record Target(String name, InetAddress address) {
        /** {@code 127.0.0.1} or {@code ::1}. */
        public String addressText() {
            return NetUtil.toAddressString(address);
        }
    }

    /** Expands every argument; throws IllegalArgumentException saying which one is wrong and why. */
    public static List<Target> parse(List<String> args) {
        List<Target> result = new ArrayList<>();
        for (String arg : args) {
            String text = arg.strip();
            if (text.contains("/")) {
                Cidr range = parseRange(text);
                expand(range, result);
            } else if (NetUtil.isValidIpV4Address(text) || NetUtil.isValidIpV6Address(text)) {
                result.add(new Target("", address(NetUtil.createByteArrayFromIpAddressString(text))));
            } else {
                result.add(resolve(text));
            }
            if (result.size() > MAX_HOSTS) {
                throw new IllegalArgumentException("more than " + MAX_HOSTS + " hosts to scan; give a smaller range");
            }
        }
        return result;
    }

    private static Cidr parseRange(String text) {
        Cidr range = Cidr.parse(text);
        int bits = range.network().getAddress().length * 8;
        if (bits - range.prefix() > 16) {
            throw new IllegalArgumentException("\"" + text + "\" holds 2^" + (bits - range.prefix())
                    + " addresses; portd scans at most " + MAX_HOSTS + " hosts (a /" + (bits - 16) + ")");
        }
        return range;
    }

    private static void expand(Cidr range, List<Target> into) {
        byte[] bytes = range.network().getAddress();
        int count = 1 << (bytes.length * 8 - range.prefix());
        for (int i = 0; i < count; i++) {
            into.add(new Target("", address(bytes.clone())));
            for (int b = bytes.length - 1; b >= 0 && ++bytes[b] == 0; b--) {
                // carry into the next byte
            }
        }
    }

    private static Target resolve(String name) {
        try {
            return new Target(name, InetAddress.getAllByName(name)[0]);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("\"" + name + "\": no such host (not an address, a CIDR range,"
                    + " or a name this machine can resolve)");
        }
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
