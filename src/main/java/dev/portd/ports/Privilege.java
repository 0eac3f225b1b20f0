package dev.portd.ports;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/** Facts about who may bind ports below 1024 on this machine (Linux: capabilities(7), ip-sysctl). */
public final class Privilege {
    private Privilege() {
    }

    /** {@code net.ipv4.ip_unprivileged_port_start}: the lowest port any user may bind (1024 by default). */
    public static OptionalInt unprivilegedPortStart() {
        try {
            // one read of the whole file: a sysctl file answers a read past offset 0 with nothing,
            // and Files.readString reads a size-0 /proc file a byte at a time
            try (var in = Files.newInputStream(Path.of("/proc/sys/net/ipv4/ip_unprivileged_port_start"))) {
                return OptionalInt.of(Integer.parseInt(new String(in.readNBytes(64), java.nio.charset.StandardCharsets.US_ASCII).strip()));
            }
        } catch (IOException | NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** The real path of the running java binary, for the setcap remedy. */
    public static String javaBinary() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        try {
            return java.toRealPath().toString();
        } catch (IOException e) {
            return java.toString();
        }
    }

    /** CAP_NET_BIND_SERVICE is capability 10 (linux/capability.h). */
    private static final int CAP_NET_BIND_SERVICE = 10;

    /**
     * Whether this process may bind {@code port}: any port at or above the unprivileged start, and
     * every port with CAP_NET_BIND_SERVICE in the effective set (root has it).
     */
    public static boolean mayBind(int port) {
        OptionalInt start = unprivilegedPortStart();
        if (port == 0 || port >= (start.isPresent() ? start.getAsInt() : 1024)) {
            return true;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring(7).strip(), 16);
                    return (caps & (1L << CAP_NET_BIND_SERVICE)) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: fall through to the user name
        }
        return "root".equals(System.getProperty("user.name"));
    }
}
