package dev.portd.scan;

import java.time.Duration;

/**
 * How a scan runs.
 *
 * @param concurrency connects in flight at once, at most
 * @param timeout     how long a connect may wait for an answer before the port counts as filtered
 * @param retries     further attempts for a port that did not answer (closed and open are final)
 * @param rate        connect attempts per second at most, retries included; 0 for no limit
 * @param threads     event-loop threads
 * @param transport   auto, epoll, io_uring or nio
 */
public record ScanSettings(int concurrency, Duration timeout, int retries, int rate, int threads, String transport) {
    public ScanSettings {
        if (concurrency < 1 || retries < 0 || rate < 0 || threads < 1 || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("bad scan settings: " + concurrency + " " + timeout + " " + retries
                    + " " + rate + " " + threads);
        }
    }
}
