package dev.portd.service;

import dev.portd.ports.Protocol;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A read-only view of the running host, for services that report on it (the dashboard). */
public interface HostView {

    /** When the host finished binding. */
    Instant startedAt();

    /** The I/O transport chosen at start: {@code epoll}, {@code io_uring} or {@code nio}. */
    String transport();

    /** Every bound listener, in config order. */
    List<Listener> listeners();

    /**
     * The running services that offer {@code feature}, an interface of this package such as
     * {@link Mailbox}: how the dashboard finds the SMTP service's mail without importing it.
     */
    <T> List<T> servicesOf(Class<T> feature);

    /** The outcome of the last reload (SIGHUP or {@code portd reload}), or null before the first. */
    default Reload lastReload() {
        return null;
    }

    /**
     * What a reload did: applied (with the changes made) or refused (with every problem; nothing changed).
     *
     * @param at      when it finished
     * @param applied whether the new config now runs
     * @param summary one line, e.g. {@code applied: 1 added, 0 removed, 2 changed, 5 kept}
     * @param lines   the changes made, or the problems that refused it, one per line
     */
    record Reload(Instant at, boolean applied, String summary, List<String> lines) {
        public Reload {
            lines = List.copyOf(lines);
        }
    }

    /** One bound socket of one service, with that service's counters. */
    record Listener(String service, String kind, Protocol protocol, InetSocketAddress address,
                    Counters counters) {
    }

    /** A service's live counters; shared by all its listeners. */
    interface Counters {
        long openConnections();
        long totalConnections();
        long bytesIn();
        long bytesOut();
        long refused();
        long datagramsIn();
        long datagramsDropped();
        /** Refused connections by reason, e.g. {@code max_connections} or {@code denied}. */
        Map<String, Long> refusedByReason();
        /** Dropped datagrams by reason, e.g. {@code rate limit} or {@code loop guard: source port 19}. */
        Map<String, Long> droppedByReason();
    }
}
