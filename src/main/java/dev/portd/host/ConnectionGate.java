package dev.portd.host;

import dev.portd.ports.Cidr;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts one service's open connections, in all and per source address, against its limits. A reload
 * keeps the gate of a service and changes its limits, so connections opened before still count.
 */
final class ConnectionGate {
    /** Sources remembered before the first sweep of counters at zero (then twice what is left). */
    static final int SWEEP_FLOOR = 1024;

    private volatile int max;
    private volatile int perSource;
    private final AtomicInteger open = new AtomicInteger();
    /**
     * Open connections per source, counted even without a per-source limit so that a reload that sets
     * one finds the counts right. A counter at zero stays, so that a client that connects again and
     * again (a one-reply service's) costs no insertion and removal each time; counters at zero are
     * swept once the map has grown. A swept counter is first marked dead (-1), so that a connection
     * that found it just before takes a fresh one instead.
     */
    private final ConcurrentMap<InetAddress, AtomicInteger> bySource = new ConcurrentHashMap<>();
    private volatile int sweepAt = SWEEP_FLOOR;

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
        if (increment(Cidr.unmapped(source)) > perSource && perSource > 0) {
            release(source);
            return "per_source";
        }
        return null;
    }

    void release(InetAddress source) {
        open.decrementAndGet();
        bySource.get(Cidr.unmapped(source)).decrementAndGet();   // never swept while this connection counts in it
    }

    /** Sources with a counter now, at zero or not (for tests). */
    int sourcesRemembered() {
        return bySource.size();
    }

    private int increment(InetAddress source) {
        while (true) {
            AtomicInteger count = bySource.get(source);
            if (count == null) {
                if (bySource.putIfAbsent(source, new AtomicInteger(1)) == null) {
                    sweepIfGrown();
                    return 1;
                }
                continue;
            }
            int n = count.get();
            if (n < 0) {
                bySource.remove(source, count);   // being swept: help, then take a fresh one
            } else if (count.compareAndSet(n, n + 1)) {
                return n + 1;
            }
        }
    }

    private void sweepIfGrown() {
        if (bySource.size() <= sweepAt) {
            return;
        }
        for (Map.Entry<InetAddress, AtomicInteger> e : bySource.entrySet()) {
            if (e.getValue().compareAndSet(0, -1)) {
                bySource.remove(e.getKey(), e.getValue());
            }
        }
        sweepAt = Math.max(SWEEP_FLOOR, 2 * bySource.size());
    }
}
