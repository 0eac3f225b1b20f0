package dev.portd.load;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * The generator's counters, written from every event loop without locks: operations, bytes, errors
 * by kind, lost datagrams, open connections, and a latency recorder (HdrHistogram, nanoseconds).
 */
final class LoadStats {
    final LongAdder ops = new LongAdder();
    final LongAdder bytesSent = new LongAdder();
    final LongAdder bytesReceived = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder lost = new LongAdder();
    final AtomicInteger open = new AtomicInteger();
    /** The most connections open at one time. */
    final AtomicInteger peakOpen = new AtomicInteger();
    /** Three significant digits: 100 µs is told from 100.1 µs, 1 s from 1.001 s. */
    final Recorder latency = new Recorder(3);
    private final Map<String, LongAdder> errorsByKind = new ConcurrentHashMap<>();

    void completed(long latencyNanos, long sent, long received) {
        ops.increment();
        if (sent > 0) {
            bytesSent.add(sent);
        }
        if (received > 0) {
            bytesReceived.add(received);
        }
        if (latencyNanos >= 0) {
            latency.recordValue(latencyNanos);
        }
    }

    void opened() {
        peakOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
    }

    void error(String kind) {
        errors.increment();
        errorsByKind.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    Map<String, Long> errorsByKind() {
        Map<String, Long> copy = new TreeMap<>();
        errorsByKind.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    Snapshot snapshot() {
        return new Snapshot(System.nanoTime(), ops.sum(), bytesSent.sum(), bytesReceived.sum(), errors.sum(),
                lost.sum());
    }

    /** The counters at one instant; the difference of two is what happened between them. */
    record Snapshot(long nanos, long ops, long bytesSent, long bytesReceived, long errors, long lost) {
        Snapshot minus(Snapshot earlier) {
            return new Snapshot(nanos - earlier.nanos, ops - earlier.ops, bytesSent - earlier.bytesSent,
                    bytesReceived - earlier.bytesReceived, errors - earlier.errors, lost - earlier.lost);
        }

        double seconds() {
            return nanos / 1e9;
        }
    }
}
