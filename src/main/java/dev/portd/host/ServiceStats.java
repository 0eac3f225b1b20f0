package dev.portd.host;

import dev.portd.service.HostView;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The live counters of one service, shared by all its listeners and updated from any event loop. */
public final class ServiceStats implements HostView.Counters {
    final AtomicLong open = new AtomicLong();
    final LongAdder total = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder datagramsIn = new LongAdder();
    /** Times a listener stopped accepting for a moment because the process was out of fds. */
    final LongAdder acceptPauses = new LongAdder();
    private final Map<String, LongAdder> refused = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> dropped = new ConcurrentHashMap<>();

    void refused(String reason) {
        refused.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    void dropped(String reason) {
        dropped.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    @Override public long openConnections() { return open.get(); }
    @Override public long totalConnections() { return total.sum(); }
    @Override public long bytesIn() { return bytesIn.sum(); }
    @Override public long bytesOut() { return bytesOut.sum(); }
    @Override public long datagramsIn() { return datagramsIn.sum(); }
    public long acceptPauses() { return acceptPauses.sum(); }
    @Override public long refused() { return sum(refused); }
    @Override public long datagramsDropped() { return sum(dropped); }

    /** Refused connections by reason, e.g. {@code max_connections} or {@code denied}. */
    @Override
    public Map<String, Long> refusedByReason() {
        return snapshot(refused);
    }

    /** Dropped datagrams by reason, e.g. {@code rate limit} or {@code loop guard: source port 19}. */
    @Override
    public Map<String, Long> droppedByReason() {
        return snapshot(dropped);
    }

    private static long sum(Map<String, LongAdder> counts) {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> counts) {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }
}
