package dev.portd.host;

import dev.portd.ports.Cidr;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts one service's open connections, in all and per source address, against its limits. */
final class ConnectionGate {
    private final int max;
    private final int perSource;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentMap<InetAddress, AtomicInteger> bySource = new ConcurrentHashMap<>();

    ConnectionGate(int max, int perSource) {
        this.max = max;
        this.perSource = perSource;
    }

    /** Takes a slot for a connection from this source; null when admitted, else the limit hit. */
    String tryAcquire(InetAddress source) {
        if (open.incrementAndGet() > max && max > 0) {
            open.decrementAndGet();
            return "max_connections";
        }
        if (perSource > 0) {
            AtomicInteger n = bySource.computeIfAbsent(Cidr.unmapped(source), s -> new AtomicInteger());
            if (n.incrementAndGet() > perSource) {
                release(source);
                return "per_source";
            }
        }
        return null;
    }

    void release(InetAddress source) {
        open.decrementAndGet();
        if (perSource > 0) {
            bySource.computeIfPresent(Cidr.unmapped(source), (s, n) -> n.decrementAndGet() == 0 ? null : n);
        }
    }
}
