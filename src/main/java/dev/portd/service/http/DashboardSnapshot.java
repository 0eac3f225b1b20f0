package dev.portd.service.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portd.service.HostView;
import dev.portd.service.PortMappings;
import dev.portd.service.ServiceFigures;
import dev.portd.service.HostView.Listener;
import io.netty.util.NetUtil;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The host as the dashboard shows it and {@code /api/services} returns it: one entry per service
 * (its listeners and its counters, which all its listeners share), the host's uptime, transport
 * and open files, and the newest seconds of the history ({@code recent}, the shape of
 * {@code /api/history}), which the page appends to its charts.
 */
final class DashboardSnapshot {
    static final ObjectMapper JSON = new ObjectMapper();

    record Json(HostInfo host, List<ServiceInfo> services, boolean mail, List<PortMappings.Mapping> rpc,
                DashboardHistory.Json recent) {
    }

    record HostInfo(String hostname, String startedAt, long uptimeSeconds, String transport, long openFiles,
                    long maxFiles, String now, ReloadInfo lastReload) {
    }

    /** The last reload (SIGHUP or portd reload), null before the first. */
    record ReloadInfo(String at, boolean applied, String summary, List<String> lines) {
        static ReloadInfo of(HostView.Reload r) {
            return r == null ? null : new ReloadInfo(r.at().toString(), r.applied(), r.summary(), r.lines());
        }
    }

    record ListenerInfo(String protocol, String address, int port) {
    }

    record ServiceInfo(String name, String kind, List<ListenerInfo> listeners, long openConnections,
                       long totalConnections, long bytesIn, long bytesOut, long refused,
                       Map<String, Long> refusedByReason, long datagramsIn, long datagramsDropped,
                       Map<String, Long> droppedByReason, Map<String, Long> figures) {
    }

    private DashboardSnapshot() {
    }

    static Json of(HostView host, String hostname, boolean mail, DashboardHistory.Json recent) {
        Map<String, List<Listener>> byService = new LinkedHashMap<>();
        for (Listener l : host.listeners()) {
            byService.computeIfAbsent(l.service(), s -> new ArrayList<>()).add(l);
        }
        Map<String, Map<String, Long>> figures = new LinkedHashMap<>();
        for (ServiceFigures f : host.servicesOf(ServiceFigures.class)) {
            figures.put(f.serviceName(), f.figures());
        }
        List<ServiceInfo> services = new ArrayList<>();
        for (List<Listener> ls : byService.values()) {
            Listener first = ls.get(0);
            HostView.Counters c = first.counters();
            List<ListenerInfo> at = ls.stream().map(l -> new ListenerInfo(l.protocol().label(),
                    NetUtil.toAddressString(l.address().getAddress()), l.address().getPort())).toList();
            services.add(new ServiceInfo(first.service(), first.kind(), at, c.openConnections(), c.totalConnections(),
                    c.bytesIn(), c.bytesOut(), c.refused(), c.refusedByReason(), c.datagramsIn(),
                    c.datagramsDropped(), c.droppedByReason(), figures.getOrDefault(first.service(), Map.of())));
        }
        Instant now = Instant.now();
        Instant started = host.startedAt() == null ? now : host.startedAt();
        long[] files = files();
        return new Json(new HostInfo(hostname, started.toString(), Duration.between(started, now).toSeconds(),
                host.transport(), files[0], files[1], now.toString(), ReloadInfo.of(host.lastReload())), services, mail, rpc(host), recent);
    }

    /** The portmapper's registrations, when one runs in this host. */
    static List<PortMappings.Mapping> rpc(HostView host) {
        List<PortMappings.Mapping> all = new ArrayList<>();
        for (PortMappings pm : host.servicesOf(PortMappings.class)) {
            all.addAll(pm.mappings());
        }
        return all;
    }

    static byte[] bytes(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** Open and maximum file descriptors of this process; -1 where the JVM does not tell (not Unix). */
    static long[] files() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return new long[] {unix.getOpenFileDescriptorCount(), unix.getMaxFileDescriptorCount()};
        }
        return new long[] {-1, -1};
    }
}
