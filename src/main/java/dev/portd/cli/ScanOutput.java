package dev.portd.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.portd.ports.ServiceNames;
import dev.portd.scan.BannerGrab.Banner;
import dev.portd.scan.PortScan;
import dev.portd.scan.PortState;
import dev.portd.scan.Targets.Target;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Prints a finished (or stopped) scan as a table, JSON or nmap-style grepable lines; all three
 * carry the same data: every open port, and every port of a host whose scan listed few ports.
 */
final class ScanOutput {
    /** Up to this many ports per host, every state is listed; above, only open ports (nmap does alike). */
    static final int LIST_ALL_UP_TO = 30;

    enum Format {
        TABLE, JSON, GREPABLE;

        static Format parse(String text) {
            for (Format f : values()) {
                if (f.name().equalsIgnoreCase(text)) {
                    return f;
                }
            }
            return null;
        }
    }

    /** One listed port. */
    record Row(int port, String protocol, String state, String service, String banner) {
    }

    /** One host: its listed ports and how many ports were in each state. */
    record HostReport(String address, String name, List<Row> ports, Map<String, Integer> counts) {
    }

    private final PortScan scan;
    private final Map<InetSocketAddress, Banner> banners;
    /** IANA's (or /etc/services') names of the listed ports only: a closed scan reads nothing. */
    private Map<Integer, String> names;

    ScanOutput(PortScan scan, Map<InetSocketAddress, Banner> banners) {
        this.scan = scan;
        this.banners = banners;
    }

    void print(Format format, PrintWriter out) {
        List<HostReport> hosts = hosts();
        switch (format) {
            case JSON -> json(hosts, out);
            case GREPABLE -> grepable(hosts, out);
            default -> table(hosts, out);
        }
        out.flush();
    }

    List<HostReport> hosts() {
        List<HostReport> result = new ArrayList<>();
        boolean listAll = scan.portCount() <= LIST_ALL_UP_TO;
        names = ServiceNames.names("tcp", listedPorts(listAll));
        for (int t = 0; t < scan.targets().size(); t++) {
            Target target = scan.targets().get(t);
            Map<PortState, Integer> counts = new EnumMap<>(PortState.class);
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < scan.portCount(); i++) {
                PortState state = scan.state(t, i);
                counts.merge(state, 1, Integer::sum);
                if (listed(state, listAll)) {
                    rows.add(row(target, scan.port(i), state));
                }
            }
            Map<String, Integer> byLabel = new LinkedHashMap<>();
            for (PortState s : PortState.values()) {
                if ((s != PortState.PENDING && s != PortState.UNREACHABLE) || counts.containsKey(s)) {
                    byLabel.put(s.label(), counts.getOrDefault(s, 0));
                }
            }
            result.add(new HostReport(target.addressText(), target.name(), rows, byLabel));
        }
        return result;
    }

    private Set<Integer> listedPorts(boolean listAll) {
        Set<Integer> listed = new HashSet<>();
        for (int t = 0; t < scan.targets().size(); t++) {
            for (int i = 0; i < scan.portCount(); i++) {
                PortState state = scan.state(t, i);
                if (listed(state, listAll)) {
                    listed.add(scan.port(i));
                }
            }
        }
        return listed;
    }

    private static boolean listed(PortState state, boolean listAll) {
        return state == PortState.OPEN || (listAll && state != PortState.PENDING);
    }

    private Row row(Target target, int port, PortState state) {
        String registered = names.getOrDefault(port, "");
        String service = registered;
        Banner banner = banners.get(new InetSocketAddress(target.address(), port));
        if (banner != null && !banner.service().isEmpty() && !banner.service().equals(registered)) {
            // what answered differs from the name IANA registered for the port: show both
            service = banner.service() + (registered.isEmpty() ? "" : " (registered: " + registered + ")");
        }
        return new Row(port, "tcp", state.label(), service, banner == null ? "" : banner.text());
    }

    /**
     * One block per host with an open port; with several hosts, those with nothing open share one
     * line per outcome ("254 hosts: all 20 ports filtered") instead of a block each.
     */
    private void table(List<HostReport> hosts, PrintWriter out) {
        Map<String, Integer> nothingOpen = new LinkedHashMap<>();
        for (HostReport h : hosts) {
            if (hosts.size() > 1 && h.counts().getOrDefault(PortState.OPEN.label(), 0) == 0) {
                nothingOpen.merge(outcome(h.counts()), 1, Integer::sum);
                continue;
            }
            out.println("portd scan report for " + (h.name().isEmpty() ? h.address() : h.name() + " (" + h.address() + ")"));
            if (!h.ports().isEmpty()) {
                boolean withBanners = !banners.isEmpty();
                TextTable table = withBanners ? new TextTable("PORT", "STATE", "SERVICE", "BANNER")
                        : new TextTable("PORT", "STATE", "SERVICE");
                for (Row r : h.ports()) {
                    String port = r.port() + "/" + r.protocol();
                    if (withBanners) {
                        table.row(port, r.state(), r.service(), r.banner());
                    } else {
                        table.row(port, r.state(), r.service());
                    }
                }
                table.print(out);
            }
            List<String> hidden = new ArrayList<>();
            h.counts().forEach((state, n) -> {
                long shown = h.ports().stream().filter(r -> r.state().equals(state)).count();
                if (n - shown > 0) {
                    hidden.add((n - shown) + " " + state);
                }
            });
            if (!hidden.isEmpty()) {
                out.println("Not shown: " + String.join(", ", hidden));
            }
            out.println();
        }
        nothingOpen.forEach((outcome, n) -> out.println(Counted.of(n, "host") + ": " + outcome));
        if (!nothingOpen.isEmpty()) {
            out.println();
        }
        out.println(summary(hosts));
    }

    /** "all 20 ports filtered", or "18 closed, 2 filtered". */
    static String outcome(Map<String, Integer> counts) {
        List<String> parts = new ArrayList<>();
        int total = 0;
        String only = "";
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            if (e.getValue() > 0) {
                parts.add(e.getValue() + " " + e.getKey());
                total += e.getValue();
                only = e.getKey();
            }
        }
        if (parts.size() > 1) {
            return String.join(", ", parts);
        }
        return "all " + Counted.of(total, "port") + " " + only
                + (only.equals(PortState.UNREACHABLE.label()) ? " (no route from this machine; nothing was sent)" : "");
    }

    private String summary(List<HostReport> hosts) {
        Map<String, Integer> totals = new LinkedHashMap<>();
        hosts.forEach(h -> h.counts().forEach((s, n) -> totals.merge(s, n, Integer::sum)));
        List<String> parts = new ArrayList<>();
        totals.forEach((s, n) -> {
            if (n > 0 || !(s.equals("error") || s.equals("unreachable"))) {
                parts.add(n + " " + s);
            }
        });
        return String.format(Locale.ROOT, "%s %d %s on %s in %.2f s (%s): %s",
                scan.complete() ? "Scanned" : "Stopped after", scan.finished(), scan.finished() == 1 ? "port" : "ports",
                Counted.of(hosts.size(), "host"), scan.elapsedNanos() / 1e9, scan.transportName(),
                String.join(", ", parts));
    }

    private void json(List<HostReport> hosts, PrintWriter out) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("complete", scan.complete());
        doc.put("ports", scan.portCount());
        doc.put("scanned", scan.finished());
        doc.put("elapsedSeconds", Math.round(scan.elapsedNanos() / 1e6) / 1e3);
        doc.put("transport", scan.transportName());
        doc.put("hosts", hosts);
        try {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** nmap -oG: {@code Host: ADDR (NAME)\tPorts: PORT/STATE/PROTO//SERVICE//BANNER/, ...}. */
    private void grepable(List<HostReport> hosts, PrintWriter out) {
        out.println("# portd " + dev.portd.Portd.VERSION + " scan: " + scan.portCount() + " ports per host");
        for (HostReport h : hosts) {
            List<String> ports = new ArrayList<>();
            for (Row r : h.ports()) {
                ports.add(r.port() + "/" + r.state() + "/" + r.protocol() + "//" + field(r.service()) + "//"
                        + field(r.banner()) + "/");
            }
            List<String> ignored = new ArrayList<>();
            h.counts().forEach((state, n) -> {
                long shown = h.ports().stream().filter(r -> r.state().equals(state)).count();
                if (n - shown > 0) {
                    ignored.add(state + " (" + (n - shown) + ")");
                }
            });
            out.println("Host: " + h.address() + " (" + h.name() + ")\tPorts: " + String.join(", ", ports)
                    + (ignored.isEmpty() ? "" : "\tIgnored State: " + String.join(", ", ignored)));
        }
        out.println("# " + summary(hosts));
    }

    /** Grepable fields are split on '/' and ','; those characters become '|' and ';' inside one. */
    private static String field(String text) {
        return text.replace('/', '|').replace(',', ';');
    }
}
