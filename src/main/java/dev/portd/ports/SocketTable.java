package dev.portd.ports;

import dev.portd.ports.Protocol;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the kernel's socket tables ({@code /proc/net/tcp} and friends, proc(5)), as {@code ss} and
 * {@code netstat} do. Linux only: elsewhere the tables are empty.
 */
public final class SocketTable {
    /** TCP states in the order of the kernel's enum (include/net/tcp_states.h), from 1. */
    private static final String[] TCP_STATES = {"?", "ESTABLISHED", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1",
        "FIN-WAIT-2", "TIME-WAIT", "CLOSE", "CLOSE-WAIT", "LAST-ACK", "LISTEN", "CLOSING", "NEW-SYN-RECV"};

    private final Path procNet;

    public SocketTable() {
        this(Path.of("/proc/net"));
    }

    SocketTable(Path procNet) {
        this.procNet = procNet;
    }

    /** Every TCP and UDP socket, IPv4 and IPv6. */
    public List<SocketEntry> all() throws IOException {
        List<SocketEntry> all = new ArrayList<>();
        read("tcp", Protocol.TCP, all);
        read("tcp6", Protocol.TCP, all);
        read("udp", Protocol.UDP, all);
        read("udp6", Protocol.UDP, all);
        return all;
    }

    /** The sockets bound to that local port: for TCP the listening ones, for UDP all. */
    public List<SocketEntry> boundTo(Protocol protocol, int port) throws IOException {
        List<SocketEntry> result = new ArrayList<>();
        for (SocketEntry e : all()) {
            if (e.protocol() == protocol && e.local().getPort() == port
                    && (protocol == Protocol.UDP || e.state().equals("LISTEN"))) {
                result.add(e);
            }
        }
        return result;
    }

    private void read(String file, Protocol protocol, List<SocketEntry> into) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(procNet.resolve(file));
        } catch (NoSuchFileException e) {
            return;   // no IPv6, or not Linux
        }
        for (int i = 1; i < lines.size(); i++) {   // line 0 is the header
            SocketEntry entry = parse(lines.get(i), protocol);
            if (entry != null) {
                into.add(entry);
            }
        }
    }

    /** One row: {@code sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...}. */
    static SocketEntry parse(String line, Protocol protocol) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 10) {
            return null;
        }
        int stateCode = Integer.parseInt(f[3], 16);
        String state;
        if (protocol == Protocol.TCP) {
            state = stateCode < TCP_STATES.length ? TCP_STATES[stateCode] : "?";
        } else {
            state = stateCode == 1 ? "ESTABLISHED" : "UNCONN";
        }
        return new SocketEntry(protocol, address(f[1]), address(f[2]), state,
                Integer.parseInt(f[7]), Long.parseLong(f[9]));
    }

    /**
     * {@code 0100007F:0050} is 127.0.0.1:80: the address is written as 32-bit words in host byte
     * order (little-endian here), the port in big-endian hex.
     */
    static InetSocketAddress address(String text) {
        int colon = text.indexOf(':');
        String hex = text.substring(0, colon);
        int port = Integer.parseInt(text.substring(colon + 1), 16);
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int b = 0; b < 4; b++) {
                int at = word * 8 + (3 - b) * 2;
                bytes[word * 4 + b] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(bytes), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bad address in socket table: " + text, e);
        }
    }
}
