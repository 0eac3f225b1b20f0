package dev.portd.service.http;

import dev.portd.service.HostView;
import dev.portd.service.HostView.Listener;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The last 15 minutes of every service's traffic, one sample a second, for the dashboard's charts
 * and {@code /api/history}. A sample holds what happened during its second: connections accepted,
 * bytes in and out, connections refused, datagrams dropped, the differences of the host's counters
 * between two {@link #sample()} calls.
 *
 * <p>Memory is bounded: per service 5 series of {@value #SECONDS} longs, 36,000 bytes, plus one
 * ring of 900 timestamps (7,200 bytes) for the host. A sample reads five counters per service and
 * writes ten longs; nothing it does blocks.
 */
final class DashboardHistory {
    /** 15 minutes of one-second samples. */
    static final int SECONDS = 900;
    /** The series of every service, in the order of {@link Ring#values}. */
    static final List<String> SERIES = List.of("connections", "bytesIn", "bytesOut", "refused", "dropped");

    /** What {@code /api/history} returns: {@code t[i]} is the second (Unix time) of every series' {@code [i]}. */
    record Json(int periodSeconds, long[] t, Map<String, long[]> host, Map<String, Map<String, long[]>> services) {
    }

    /** One service's series and the counters it last read. */
    private static final class Ring {
        final long[][] values = new long[SERIES.size()][SECONDS];
        final long[] last;

        Ring(long[] now) {
            this.last = now;
        }
    }

    private final Clock clock;
    private final Supplier<List<Listener>> listeners;
    private final long[] seconds = new long[SECONDS];
    private final Map<String, Ring> rings = new LinkedHashMap<>();
    private int next;    // where the next second goes
    private int size;    // how many seconds are held, up to SECONDS

    DashboardHistory(Clock clock, Supplier<List<Listener>> listeners) {
        this.clock = clock;
        this.listeners = listeners;
    }

    DashboardHistory(Clock clock, HostView host) {
        this(clock, host::listeners);
    }

    /**
     * Reads the counters once and adds what changed since the last call to the current second. A
     * second that passed without a call (a long pause) is kept as a zero sample, so the seconds stay
     * contiguous; a call in the same second as the last adds to it.
     */
    synchronized void sample() {
        long now = Math.floorDiv(clock.millis(), 1000);
        if (size == 0) {
            push(now);
        } else {
            long newest = seconds[index(size - 1)];
            for (long s = Math.max(newest + 1, now - SECONDS + 1); s <= now; s++) {
                push(s);
            }
        }
        int at = index(size - 1);
        Map<String, HostView.Counters> current = byService();
        rings.keySet().retainAll(current.keySet());
        current.forEach((name, counters) -> {
            long[] read = read(counters);
            Ring ring = rings.get(name);
            if (ring == null) {
                rings.put(name, new Ring(read));   // the first reading is the baseline
                return;
            }
            for (int k = 0; k < read.length; k++) {
                // a counter that went down was replaced (a reload made the service anew): all of it is new
                long delta = read[k] >= ring.last[k] ? read[k] - ring.last[k] : read[k];
                ring.values[k][at] += delta;
                ring.last[k] = read[k];
            }
        });
    }

    private void push(long second) {
        int at = next;
        seconds[at] = second;
        for (Ring ring : rings.values()) {
            for (long[] series : ring.values) {
                series[at] = 0;
            }
        }
        next = (next + 1) % SECONDS;
        size = Math.min(size + 1, SECONDS);
    }

    /** The ring index of the i-th held second, oldest first. */
    private int index(int i) {
        return Math.floorMod(next - size + i, SECONDS);
    }

    private Map<String, HostView.Counters> byService() {
        Map<String, HostView.Counters> all = new LinkedHashMap<>();
        for (Listener l : listeners.get()) {
            all.putIfAbsent(l.service(), l.counters());
        }
        return all;
    }

    private static long[] read(HostView.Counters c) {
        return new long[] {c.totalConnections(), c.bytesIn(), c.bytesOut(), c.refused(), c.datagramsDropped()};
    }

    /** Every held second. */
    Json json() {
        return json(SECONDS);
    }

    /** The newest {@code last} seconds (or fewer, when fewer are held), oldest first. */
    synchronized Json json(int last) {
        int n = Math.min(last, size);
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            t[i] = seconds[index(size - n + i)];
        }
        Map<String, long[]> host = new LinkedHashMap<>();
        SERIES.forEach(name -> host.put(name, new long[n]));
        Map<String, Map<String, long[]>> services = new LinkedHashMap<>();
        rings.forEach((name, ring) -> {
            Map<String, long[]> series = new LinkedHashMap<>();
            for (int k = 0; k < SERIES.size(); k++) {
                long[] values = new long[n];
                long[] sum = host.get(SERIES.get(k));
                for (int i = 0; i < n; i++) {
                    values[i] = ring.values[k][index(size - n + i)];
                    sum[i] += values[i];
                }
                series.put(SERIES.get(k), values);
            }
            services.put(name, series);
        });
        return new Json(1, t, host, services);
    }
}
