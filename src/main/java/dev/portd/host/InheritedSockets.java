package dev.portd.host;

import dev.portd.ports.SocketEntry;
import dev.portd.ports.SocketTable;
import dev.portd.ports.Protocol;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Listening sockets handed over by systemd socket activation (sd_listen_fds(3)): {@code LISTEN_FDS}
 * descriptors from fd 3, meant for us when {@code LISTEN_PID} is our pid. What each one is (TCP or
 * UDP, which address and port) is read from the kernel's socket tables through
 * {@code /proc/self/fd}, so a unit needs no names: the host matches them to services by protocol and
 * port, and binds only what is left.
 */
final class InheritedSockets {
    /** SD_LISTEN_FDS_START: the first passed descriptor. */
    static final int FIRST_FD = 3;

    /** One passed socket; {@code service} names what it served when another portd handed it over, else null. */
    record Inherited(int fd, Protocol protocol, InetSocketAddress address, String service) {
        Inherited(int fd, Protocol protocol, InetSocketAddress address) {
            this(fd, protocol, address, null);
        }
    }

    private final List<Inherited> sockets;
    private final List<Inherited> unused;
    private final String from;

    private InheritedSockets(List<Inherited> sockets) {
        this(sockets, "systemd");
    }

    InheritedSockets(List<Inherited> sockets, String from) {
        this.sockets = List.copyOf(sockets);
        this.unused = new ArrayList<>(sockets);
        this.from = from;
    }

    static InheritedSockets none() {
        return new InheritedSockets(List.of());
    }

    /** Who passed them, for log lines: {@code systemd} or {@code the previous portd (pid N)}. */
    String from() {
        return from;
    }

    /** The sockets systemd passed to this process, or none. */
    static InheritedSockets fromEnvironment() {
        return from(System.getenv("LISTEN_PID"), System.getenv("LISTEN_FDS"), ProcessHandle.current().pid());
    }

    static InheritedSockets from(String listenPid, String listenFds, long ourPid) {
        if (listenPid == null || listenFds == null || !listenPid.strip().equals(Long.toString(ourPid))) {
            return new InheritedSockets(List.of());
        }
        int count;
        try {
            count = Integer.parseInt(listenFds.strip());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("LISTEN_FDS = " + listenFds + " is not a number");
        }
        Map<Long, SocketEntry> byInode = new HashMap<>();
        try {
            for (SocketEntry e : new SocketTable().all()) {
                byInode.put(e.inode(), e);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the socket tables to identify LISTEN_FDS: " + e.getMessage());
        }
        List<Inherited> found = new ArrayList<>();
        for (int fd = FIRST_FD; fd < FIRST_FD + count; fd++) {
            SocketEntry entry = byInode.get(inode(fd));
            if (entry != null && entry.listening()) {
                found.add(new Inherited(fd, entry.protocol(), entry.local()));
            }
        }
        return new InheritedSockets(found);
    }

    private static long inode(int fd) {
        try {
            String link = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return link.startsWith("socket:[") ? Long.parseLong(link.substring(8, link.length() - 1)) : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    boolean isEmpty() {
        return sockets.isEmpty();
    }

    /**
     * Takes the passed socket for this protocol and address, if there is one: same port, and the same
     * address unless the service listens on every address. A socket handed over by another portd
     * names its service: it goes to the service of that name only, which may ask for port 0.
     */
    Inherited take(Protocol protocol, InetSocketAddress wanted, String service) {
        for (Inherited s : unused) {
            boolean sameAddress = wanted.getAddress().isAnyLocalAddress()
                    || wanted.getAddress().equals(s.address().getAddress());
            boolean samePort = s.service() == null ? s.address().getPort() == wanted.getPort()
                    : s.service().equals(service) && (wanted.getPort() == 0 || s.address().getPort() == wanted.getPort());
            if (s.protocol() == protocol && samePort && sameAddress) {
                unused.remove(s);
                return s;
            }
        }
        return null;
    }

    /** The passed sockets no service took. */
    List<Inherited> unused() {
        return List.copyOf(unused);
    }
}
