package dev.portd.host;

import dev.portd.ports.Cidr;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts one service's open connections, in all and per source address, against its limits. A reload
 * keeps the gate of a service and changes its limits, so connections opened before still count.
 */
final class ConnectionGate {
    private volatile int max;
    private volatile int perSource;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentMap<InetAddress, AtomicInteger> bySource = new ConcurrentHashMap<>();

    ConnectionGate(int max, int perSource) {
        this.max = max;
        this.perSource = perSource;
    }

    /** New limits for the next connections (a reload). */
    void limits(int newMax, int newPerSource) {
        max = newMax;
        perSource = newPerSource;
    }

    /** Takes a slot for a connection from this source; null when admitted, else the limit hit. */
    String tryAcquire(InetAddress source) {
        int max = this.max;
        int perSource = this.perSource;
        if (open.incrementAndGet() > max && max > 0) {
            open.decrementAndGet();
            return "max_connections";
        }
        // counted even without a per-source limit, so a reload that sets one finds the count right
        AtomicInteger n = bySource.computeIfAbsent(Cidr.unmapped(source), s -> new AtomicInteger());
        if (n.incrementAndGet() > perSource && perSource > 0) {
            release(source);
            return "per_source";
        }
        return null;
    }

    void release(InetAddress source) {
        open.decrementAndGet();
        bySource.computeIfPresent(Cidr.unmapped(source), (s, n) -> n.decrementAndGet() == 0 ? null : n);
    }
}
