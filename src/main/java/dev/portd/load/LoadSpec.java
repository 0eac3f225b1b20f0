package dev.portd.load;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * One load run, fully decided.
 *
 * @param mode          what to do
 * @param target        where to
 * @param connections   connections (UDP: sockets) used at once; for {@code idle} the number held
 * @param duration      measured time; ignored when {@code count} is set
 * @param count         stop after this many operations (0: run for {@code duration})
 * @param warmup        load applied but not measured before the measured time (none with a count)
 * @param payloadBytes  bytes per operation: an echo request, a write, a chunk read, a datagram
 * @param window        payloads in flight per connection (echo and udp-echo)
 * @param sources       local addresses to connect from, spread round robin (empty: the system's)
 * @param threads       event-loop threads of the generator
 * @param exchange      {@code connect}: send one payload and read it back instead of reading to close
 * @param chargenPattern {@code rfc864} (byte for byte) or {@code lines} (72 printing characters and CRLF)
 * @param timeout       a connect or a datagram reply slower than this is an error (UDP: lost)
 */
public record LoadSpec(LoadMode mode, InetSocketAddress target, int connections, Duration duration, long count,
                       Duration warmup, int payloadBytes, int window, List<InetAddress> sources, int threads,
                       boolean exchange, String chargenPattern, Duration timeout) {

    public LoadSpec {
        sources = List.copyOf(sources);
    }

    /** A run of the mode's defaults: 16 connections, 5 s after 2 s of warm-up. */
    public static LoadSpec of(LoadMode mode, InetSocketAddress target) {
        return new LoadSpec(mode, target, 16, Duration.ofSeconds(5), 0, Duration.ofSeconds(2),
                mode.defaultPayloadBytes(), mode.defaultWindow(), List.of(),
                Runtime.getRuntime().availableProcessors(), false, "rfc864", Duration.ofMillis(200));
    }

    public LoadSpec withConnections(int n) {
        return new LoadSpec(mode, target, n, duration, count, warmup, payloadBytes, window, sources, threads,
                exchange, chargenPattern, timeout);
    }

    /** Stops after {@code n} operations, without warm-up. */
    public LoadSpec withCount(long n) {
        return new LoadSpec(mode, target, connections, duration, n, Duration.ZERO, payloadBytes, window, sources,
                threads, exchange, chargenPattern, timeout);
    }

    public LoadSpec withTiming(Duration measured, Duration warm) {
        return new LoadSpec(mode, target, connections, measured, count, warm, payloadBytes, window, sources,
                threads, exchange, chargenPattern, timeout);
    }

    public LoadSpec withPayload(int bytes, int inFlight) {
        return new LoadSpec(mode, target, connections, duration, count, warmup, bytes, inFlight, sources, threads,
                exchange, chargenPattern, timeout);
    }

    public LoadSpec withSources(List<InetAddress> from) {
        return new LoadSpec(mode, target, connections, duration, count, warmup, payloadBytes, window, from,
                threads, exchange, chargenPattern, timeout);
    }

    public LoadSpec withThreads(int n) {
        return new LoadSpec(mode, target, connections, duration, count, warmup, payloadBytes, window, sources,
                n, exchange, chargenPattern, timeout);
    }

    public LoadSpec withExchange(boolean echo) {
        return new LoadSpec(mode, target, connections, duration, count, warmup, payloadBytes, window, sources,
                threads, echo, chargenPattern, timeout);
    }

    public LoadSpec withChargenPattern(String name) {
        return new LoadSpec(mode, target, connections, duration, count, warmup, payloadBytes, window, sources,
                threads, exchange, name, timeout);
    }

    public LoadSpec withTimeout(Duration t) {
        return new LoadSpec(mode, target, connections, duration, count, warmup, payloadBytes, window, sources,
                threads, exchange, chargenPattern, t);
    }
}
