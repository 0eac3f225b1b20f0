package dev.portd.service.http;

import dev.portd.service.HostView;
import dev.portd.service.HostView.Listener;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The host's counters as Prometheus metrics through Micrometer: per service
 * {@code portd_connections_open}, {@code portd_connections_total}, {@code portd_bytes_in_total},
 * {@code portd_bytes_out_total}, {@code portd_refused_total{reason}}, {@code portd_datagrams_in_total},
 * {@code portd_datagrams_dropped_total{reason}}; per listener {@code portd_listener_info}; and the
 * JVM's and process's own (uptime, memory, threads, CPU, open files).
 */
final class DashboardMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Set<String> reasons = new HashSet<>();
    private boolean bound;

    /** The text exposition format 0.0.4 of every metric; registers the services on first use. */
    synchronized String scrape(HostView host) {
        if (!bound) {
            bind(host);
            bound = true;
        }
        for (Listener l : host.listeners()) {
            register(l, "portd.refused", "connections refused by a limit or an access rule",
                    l.counters().refusedByReason(), c -> c.refusedByReason());
            register(l, "portd.datagrams.dropped", "datagrams dropped by the UDP guard",
                    l.counters().droppedByReason(), c -> c.droppedByReason());
        }
        return registry.scrape();
    }

    private void bind(HostView host) {
        new UptimeMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        Gauge.builder("portd.info", () -> 1).tag("transport", host.transport())
                .description("the host's I/O transport").register(registry);
        Set<String> services = new HashSet<>();
        for (Listener l : host.listeners()) {
            Gauge.builder("portd.listener.info", () -> 1)
                    .tags(Tags.of("service", l.service(), "kind", l.kind(), "protocol", l.protocol().label(),
                            "address", l.address().getAddress().getHostAddress(), "port", Integer.toString(l.address().getPort())))
                    .description("a bound listener").register(registry);
            if (!services.add(l.service())) {
                continue;
            }
            Tags tags = Tags.of("service", l.service(), "kind", l.kind());
            HostView.Counters c = l.counters();
            Gauge.builder("portd.connections.open", c, HostView.Counters::openConnections).tags(tags)
                    .description("open TCP connections").register(registry);
            counter("portd.connections", "accepted TCP connections", tags, c, HostView.Counters::totalConnections);
            counter("portd.bytes.in", "bytes received", tags, c, HostView.Counters::bytesIn);
            counter("portd.bytes.out", "bytes sent", tags, c, HostView.Counters::bytesOut);
            counter("portd.datagrams.in", "datagrams received", tags, c, HostView.Counters::datagramsIn);
        }
    }

    private void counter(String name, String help, Tags tags, HostView.Counters c,
                         java.util.function.ToLongFunction<HostView.Counters> f) {
        FunctionCounter.builder(name, c, x -> f.applyAsLong(x)).tags(tags).description(help).register(registry);
    }

    /** Counters by reason appear as reasons do, e.g. the first "loop guard: source port 19". */
    private void register(Listener l, String name, String help, Map<String, Long> now,
                          Function<HostView.Counters, Map<String, Long>> byReason) {
        for (String reason : now.keySet()) {
            if (reasons.add(name + "\0" + l.service() + "\0" + reason)) {
                FunctionCounter.builder(name, l.counters(), c -> byReason.apply(c).getOrDefault(reason, 0L))
                        .tags("service", l.service(), "kind", l.kind(), "reason", reason)
                        .description(help).register(registry);
            }
        }
    }
}
