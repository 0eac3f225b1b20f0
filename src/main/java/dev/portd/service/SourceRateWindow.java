package dev.portd.service;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts events per source address in fixed one-second windows, and says when a source is past its
 * limit: how the host caps UDP replies per source and the portmapper caps amplifying calls. The
 * memory is bounded: past {@code maxSources} sources in one window, new ones count as over the
 * limit (a flood of spoofed sources is dropped, not remembered). Not thread-safe: one instance per
 * event loop, as each UDP socket has.
 */
public final class SourceRateWindow {
    private static final long WINDOW_NANOS = 1_000_000_000L;

    private final int perSecond;
    private final int maxSources;
    private final Map<InetAddress, int[]> counts = new HashMap<>();
    private long windowStart = System.nanoTime();

    /** {@code perSecond} events per source and second (0: none); {@code maxSources} remembered per window. */
    public SourceRateWindow(int perSecond, int maxSources) {
        this.perSecond = perSecond;
        this.maxSources = maxSources;
    }

    /** Counts one event from this source; true when it is over the limit and should be dropped. */
    public boolean overLimit(InetAddress source) {
        long now = System.nanoTime();
        if (now - windowStart >= WINDOW_NANOS) {
            counts.clear();
            windowStart = now;
        }
        int[] n = counts.get(source);
        if (n == null) {
            if (counts.size() >= maxSources) {
                return true;
            }
            counts.put(source, n = new int[1]);
        }
        return ++n[0] > perSecond;
    }
}
