package dev.portd.host;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs refused peers at WARN at most once a second per source address, so that a flood cannot
 * flood the log too; the counters still count every refusal.
 */
final class RefusalLog {
    private static final Logger log = LoggerFactory.getLogger(RefusalLog.class);
    private static final long INTERVAL_NANOS = 1_000_000_000L;
    /** Past this many remembered sources the memory is cleared: a bound, at worst one extra line each. */
    private static final int MAX_SOURCES = 4096;

    private final ConcurrentMap<InetAddress, Long> lastLogged = new ConcurrentHashMap<>();

    void refused(String label, InetAddress source, String reason) {
        long now = System.nanoTime();
        Long last = lastLogged.get(source);
        if (last != null && now - last < INTERVAL_NANOS) {
            return;
        }
        if (lastLogged.size() >= MAX_SOURCES) {
            lastLogged.clear();
        }
        lastLogged.put(source, now);
        log.warn("{}: refused {}: {}", label, source.getHostAddress(), reason);
    }
}
