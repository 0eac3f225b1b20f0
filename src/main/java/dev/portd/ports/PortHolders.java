package dev.portd.ports;

import dev.portd.ports.Protocol;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Answers "who holds this port?": the sockets bound to it and, where visible, their processes. */
public final class PortHolders {
    private final SocketTable sockets;
    private final ProcessTable processes;

    public PortHolders() {
        this(new SocketTable(), new ProcessTable());
    }

    public PortHolders(SocketTable sockets, ProcessTable processes) {
        this.sockets = sockets;
        this.processes = processes;
    }

    /** One socket bound to the port, with its process when this user may see it. */
    public record Holder(SocketEntry socket, Optional<ProcessInfo> process) {
    }

    /** Who holds {@code protocol/port}; empty when nobody does, or the tables cannot be read. */
    public List<Holder> of(Protocol protocol, int port) {
        List<SocketEntry> bound;
        try {
            bound = sockets.boundTo(protocol, port);
        } catch (IOException e) {
            return List.of();
        }
        return attach(bound);
    }

    /**
     * Every socket of this machine with its holder, as {@code ss -tunap} shows them: only those
     * waiting for peers (listening TCP, unconnected UDP) unless {@code all}.
     */
    public List<Holder> sockets(boolean all) throws IOException {
        List<SocketEntry> chosen = new ArrayList<>();
        for (SocketEntry e : sockets.all()) {
            if (all || e.listening()) {
                chosen.add(e);
            }
        }
        return attach(chosen);
    }

    /** Attaches processes to any list of sockets (one /proc scan for all). */
    public List<Holder> attach(List<SocketEntry> entries) {
        Set<Long> inodes = new HashSet<>();
        for (SocketEntry e : entries) {
            if (e.inode() != 0) {
                inodes.add(e.inode());
            }
        }
        Map<Long, ProcessInfo> owners = processes.holders(inodes);
        List<Holder> result = new ArrayList<>();
        for (SocketEntry e : entries) {
            result.add(new Holder(e, Optional.ofNullable(owners.get(e.inode()))));
        }
        return result;
    }

    /**
     * One line for a bind error: {@code held by nc (pid 812, nc -l 7)}, or, when the process cannot
     * be seen, whose socket it is and how to find out more.
     */
    public static String describe(List<Holder> holders, Protocol protocol, int port) {
        if (holders.isEmpty()) {
            return "the holder is not visible (it may have just closed, or be in another network namespace)";
        }
        Set<String> seen = new java.util.LinkedHashSet<>();
        for (Holder h : holders) {
            if (h.process().isPresent()) {
                ProcessInfo p = h.process().get();
                seen.add(p.name() + " (pid " + p.pid() + ", user " + p.user() + ", " + p.commandLine() + ")");
            } else {
                seen.add(ProcessTable.hiddenReason(h.socket().uid(), new Users()) + " (portd who " + port + ")");
            }
        }
        return "held by " + String.join("; ", seen);
    }
}
