package dev.portd.scan;

import java.util.Arrays;
import java.util.BitSet;

/**
 * The ports to scan, parsed from nmap's {@code -p} syntax: {@code 80}, {@code 1-1024},
 * {@code 22,80,443}, {@code -} (1-65535), and open ends {@code -1024} (1-1024) and {@code 60000-}
 * (60000-65535). Ports keep the order given, each once.
 */
public final class PortList {
    private PortList() {
    }

    /** Parses a {@code -p} value; throws IllegalArgumentException saying what is wrong. */
    public static int[] parse(String text) {
        String spec = text.strip();
        if (spec.isEmpty()) {
            throw new IllegalArgumentException("empty port list; e.g. -p 80, -p 1-1024, -p 22,80,443 or -p - (all)");
        }
        int[] ports = new int[16];
        int count = 0;
        BitSet seen = new BitSet(65536);
        for (String part : spec.split(",", -1)) {
            String p = part.strip();
            int dash = p.indexOf('-');
            int low;
            int high;
            if (dash < 0) {
                low = high = number(p, text);
            } else {
                low = dash == 0 ? 1 : number(p.substring(0, dash), text);
                high = dash == p.length() - 1 ? 65535 : number(p.substring(dash + 1), text);
                if (low > high) {
                    throw new IllegalArgumentException("\"" + p + "\": the range runs backwards; write "
                            + high + "-" + low);
                }
            }
            for (int port = low; port <= high; port++) {
                if (!seen.get(port)) {
                    seen.set(port);
                    if (count == ports.length) {
                        ports = Arrays.copyOf(ports, Math.min(65536, ports.length * 2));
                    }
                    ports[count++] = port;
                }
            }
        }
        return Arrays.copyOf(ports, count);
    }

    private static int number(String text, String whole) {
        int port;
        try {
            port = Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + whole + "\": \"" + text.strip() + "\" is not a port number;"
                    + " e.g. -p 80, -p 1-1024, -p 22,80,443 or -p - (all)");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("\"" + whole + "\": port " + port + " is outside 1-65535");
        }
        return port;
    }
}
