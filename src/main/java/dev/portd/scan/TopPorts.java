package dev.portd.scan;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;

/**
 * portd's own ordering of TCP ports for {@code --top N}: the hand-made head in {@code top-ports.txt}
 * (default ports of widely deployed server software), then every other TCP port the shipped IANA
 * registry names, system ports first, then registered ones, each ascending; then every remaining
 * port ascending, so {@code --top 65535} is every port.
 */
public final class TopPorts {
    static final String HEAD = "/dev/portd/scan/top-ports.txt";
    static final String IANA = "/dev/portd/ports/iana-services.tsv";
    /** nmap's and portd's default: the first 1,000. */
    public static final int DEFAULT = 1000;

    private TopPorts() {
    }

    /** The first {@code n} ports of the ordering (1..65535). */
    public static int[] first(int n) {
        if (n < 1 || n > 65535) {
            throw new IllegalArgumentException("--top " + n + ": give 1..65535");
        }
        int[] order = new int[65535];
        int count = 0;
        BitSet seen = new BitSet(65536);
        for (String line : lines(HEAD)) {
            String body = line.contains("#") ? line.substring(0, line.indexOf('#')) : line;
            for (String word : body.trim().split("\\s+")) {
                if (!word.isEmpty()) {
                    count = add(Integer.parseInt(word), order, count, seen);
                }
            }
        }
        BitSet named = new BitSet(65536);
        for (String line : lines(IANA)) {
            if (!line.startsWith("#")) {
                String[] f = line.split("\t", 3);
                if (f[1].equals("tcp")) {
                    named.set(Integer.parseInt(f[0]));
                }
            }
        }
        named.clear(0);
        for (int port = named.nextSetBit(1); port >= 0 && port < 49152; port = named.nextSetBit(port + 1)) {
            count = add(port, order, count, seen);
        }
        for (int port = 1; port <= 65535 && count < n; port++) {
            count = add(port, order, count, seen);
        }
        return Arrays.copyOf(order, n);
    }

    private static int add(int port, int[] order, int count, BitSet seen) {
        if (port < 1 || port > 65535 || seen.get(port)) {
            return count;
        }
        seen.set(port);
        order[count] = port;
        return count + 1;
    }

    private static java.util.List<String> lines(String resource) {
        try (InputStream in = TopPorts.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the jar");
            }
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
