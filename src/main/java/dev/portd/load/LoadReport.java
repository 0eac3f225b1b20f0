package dev.portd.load;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.netty.util.NetUtil;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The result of a run: the same fields for the summary on the terminal and for {@code --json}.
 * Rates are per second of the measured time; MB are 10^6 bytes; latencies are microseconds.
 * {@code errors} counts the whole run, warm-up included: no error is hidden.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LoadReport(
        String mode, String target, String transport, int connections, int threads, int payloadBytes,
        int window, double warmupSeconds, double seconds, Long count, Boolean countReached,
        long ops, double opsPerSecond, long bytesSent, long bytesReceived, double mbPerSecond,
        Latency latencyMicros, long errors, Map<String, Long> errorsByKind, Long lost, Double lossPercent,
        Integer open, double generatorCpuSeconds, double generatorCpuPercent, Double generatorMicrosPerOp,
        Boolean interrupted, String hint) {
    /** portd's defaults for the limits that close a connection at once (config's Limits). */
    static final int PORTD_PER_SOURCE = 256;
    static final int PORTD_MAX_CONNECTIONS = 10_000;

    /** Latency percentiles in microseconds, from an HdrHistogram of nanoseconds. */
    public record Latency(long samples, double p50, double p90, double p99, double p999, double max) {
        static Latency of(Histogram h) {
            return new Latency(h.getTotalCount(), us(h.getValueAtPercentile(50)), us(h.getValueAtPercentile(90)),
                    us(h.getValueAtPercentile(99)), us(h.getValueAtPercentile(99.9)), us(h.getMaxValue()));
        }

        private static double us(long nanos) {
            return Math.round(nanos / 100.0) / 10.0;
        }
    }

    static LoadReport of(LoadSpec spec, String transport, LoadStats.Snapshot measured, LoadStats.Snapshot total,
                         Histogram latency, LoadStats stats, boolean countReached, double cpuSeconds,
                         boolean interrupted) {
        LoadMode mode = spec.mode();
        double secs = Math.max(measured.seconds(), 1e-9);
        long ops = mode == LoadMode.IDLE ? total.ops() : measured.ops();
        long bytes = mode.countsReceived() ? measured.bytesReceived() : measured.bytesSent();
        boolean counting = spec.count() > 0;
        Long lost = mode == LoadMode.UDP_ECHO ? measured.lost() : null;
        Map<String, Long> errors = stats.errorsByKind();
        Double loss = lost == null ? null
                : round(100.0 * lost / Math.max(1, lost + measured.ops() + measured.errors()), 3);
        return new LoadReport(mode.label(), NetUtil.toSocketAddressString(spec.target()), transport,
                spec.connections(), spec.threads(), spec.payloadBytes(), spec.window(),
                counting ? 0 : spec.warmup().toMillis() / 1000.0, round(secs, 3),
                counting ? spec.count() : null, counting ? countReached : null,
                ops, round(ops / secs, 1), measured.bytesSent(), measured.bytesReceived(), round(bytes / secs / 1e6, 2),
                mode.hasLatency() && latency.getTotalCount() > 0 ? Latency.of(latency) : null,
                errors.values().stream().mapToLong(Long::longValue).sum(), errors, lost, loss,
                mode == LoadMode.IDLE ? stats.open.get() : null,
                round(cpuSeconds, 3), round(100 * cpuSeconds / secs, 1),
                measured.ops() > 0 ? round(cpuSeconds * 1e6 / measured.ops(), 2) : null,
                interrupted ? Boolean.TRUE : null, closedHint(errors, stats.peakOpen.get(), spec.sources().size()));
    }

    /**
     * When the target closed connections, which of a portd's limits may have done it: per_source
     * (256 from one address) and max_connections (10,000 a service) close a new connection at once,
     * idle_timeout an old one.
     */
    static String closedHint(Map<String, Long> errors, int peakOpen, int sourceAddresses) {
        // a close with the client's bytes unread reaches the client as a reset
        long closed = errors.entrySet().stream()
                .filter(e -> e.getKey().contains("closed by the target") || e.getKey().contains("reset by peer"))
                .mapToLong(Map.Entry::getValue).sum();
        if (closed == 0) {
            return null;
        }
        int sources = Math.max(1, sourceAddresses);
        String cause;
        if (peakOpen >= PORTD_MAX_CONNECTIONS) {
            cause = "max_connections on portd? (" + PORTD_MAX_CONNECTIONS + " a service by default)";
        } else if (peakOpen >= PORTD_PER_SOURCE * sources) {
            cause = "per_source on portd? (" + PORTD_PER_SOURCE + " connections from one address by default"
                    + (sources > 1 ? ", " + sources + " source addresses here" : "") + ")";
        } else {
            cause = "per_source, max_connections or idle_timeout on portd?";
        }
        return "closed by the target: " + cause + "; at most " + peakOpen + " were open at once; raise the "
                + "limit on the service under test (0: no limit), or spread the load with --source";
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    public String toJson() {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a report is plain data", e);
        }
    }

    /** The summary for a person. */
    public void print(PrintWriter out) {
        out.printf(Locale.ROOT, "%s %s: %s, %s (%s), payload %d B, window %d%n", mode, target,
                counted(connections, "connection"), counted(threads, "thread"), transport, payloadBytes, window);
        if (count != null) {
            out.printf(Locale.ROOT, "count      %,d %s in %.2f s%n", count,
                    Boolean.TRUE.equals(countReached) ? "done" : Boolean.TRUE.equals(interrupted)
                            ? "NOT reached (stopped by Ctrl-C)" : "NOT reached (time limit)", seconds);
        } else {
            out.printf(Locale.ROOT, "measured   %.2f s after %.1f s of warm-up%s%n", seconds, warmupSeconds,
                    Boolean.TRUE.equals(interrupted) ? " (stopped by Ctrl-C)" : "");
        }
        out.printf(Locale.ROOT, "ops        %,d  (%,.0f/s)%n", ops, opsPerSecond);
        out.printf(Locale.ROOT, "bytes      sent %,d  received %,d  (%,.2f MB/s)%n", bytesSent, bytesReceived,
                mbPerSecond);
        if (latencyMicros != null) {
            Latency l = latencyMicros;
            out.printf(Locale.ROOT, "latency    p50 %s  p90 %s  p99 %s  p99.9 %s  max %s%n", time(l.p50()),
                    time(l.p90()), time(l.p99()), time(l.p999()), time(l.max()));
        }
        if (lost != null) {
            out.printf(Locale.ROOT, "lost       %,d datagrams (%.3f%%)%n", lost, lossPercent);
        }
        if (open != null) {
            out.printf(Locale.ROOT, "open       %s held at the end%n", counted(open, "connection"));
        }
        out.printf(Locale.ROOT, "errors     %,d%n", errors);
        errorsByKind.forEach((kind, n) -> out.printf(Locale.ROOT, "  %,9d  %s%n", n, kind));
        if (hint != null) {
            out.printf(Locale.ROOT, "hint       %s%n", hint);
        }
        out.printf(Locale.ROOT, "generator  CPU %.2f s = %.0f%% of one core%s%n", generatorCpuSeconds,
                generatorCpuPercent, generatorMicrosPerOp == null ? ""
                        : String.format(Locale.ROOT, ", %.2f µs per op", generatorMicrosPerOp));
        out.flush();
    }

    private static String counted(long n, String noun) {
        return String.format(Locale.ROOT, "%,d %s%s", n, noun, n == 1 ? "" : "s");
    }

    static String time(double micros) {
        if (micros >= 1_000_000) {
            return String.format(Locale.ROOT, "%.2f s", micros / 1e6);
        }
        if (micros >= 1000) {
            return String.format(Locale.ROOT, "%.2f ms", micros / 1000);
        }
        return String.format(Locale.ROOT, "%.1f µs", micros);
    }
}
