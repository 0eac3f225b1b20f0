package dev.portd.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portd.discovery.ClusterQuery;
import dev.portd.service.ClusterView.Entry;
import dev.portd.service.rpc.NamesClient;
import dev.portd.service.rpc.NamesProgram;
import dev.portd.service.rpc.RpcClient;
import dev.portd.service.rpc.Uaddr;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code portd lookup} for a cluster: the answer of a host running discovery, or of ZooKeeper itself,
 * as a table with the host of each entry, and with {@code --watch} each change as a {@code +} or
 * {@code -} line.
 */
final class ClusterLookup {
    /** How often {@code --watch} through a host asks it again; the host's own cache follows ZooKeeper's watches. */
    static final Duration HOST_POLL = Duration.ofSeconds(1);

    private final PrintWriter out;
    private final PrintWriter err;
    private final String name;
    private final boolean json;
    private final ObjectMapper mapper = new ObjectMapper();
    private Set<String> shown = Set.of();
    private final Map<String, Entry> byRow = new LinkedHashMap<>();

    ClusterLookup(PrintWriter out, PrintWriter err, String name, boolean json) {
        this.out = out;
        this.err = err;
        this.name = name;
        this.json = json;
    }

    int fromZookeeper(String connect, String basePath, Duration wait, boolean watch) throws IOException {
        try (ClusterQuery query = ClusterQuery.connect(connect, basePath, wait)) {
            List<Entry> now = filter(query.all());
            if (!watch) {
                return print(now, "ZooKeeper at " + connect, null);
            }
            print(now, "ZooKeeper at " + connect, null);
            first(now);
            query.watch(all -> changed(filter(all)), wait);
            awaitInterrupt();
            return ExitCodes.OK;
        } catch (IOException e) {
            err.println("portd lookup: " + e.getMessage());
            err.flush();
            return ExitCodes.REFUSED;
        }
    }

    int fromHost(InetSocketAddress server, String where, NamesClient.ClusterAnswer answer, Duration wait, boolean watch)
            throws IOException {
        List<Entry> now = entries(answer);
        String source = where + (answer.state() == NamesProgram.LOCAL ? "" : " (its cache of the cluster)");
        if (!watch) {
            return print(now, source, answer.state() == NamesProgram.CLUSTER_STALE ? answer.session() : null);
        }
        print(now, source, null);
        first(now);
        try (RpcClient client = RpcClient.tcp(server, wait)) {
            while (!Thread.currentThread().isInterrupted()) {   // until Ctrl-C
                try {
                    Thread.sleep(HOST_POLL.toMillis());
                } catch (InterruptedException e) {
                    return ExitCodes.OK;
                }
                NamesClient.ClusterAnswer next = NamesClient.cluster(client, name);
                changed(entries(next));
            }
        }
        return ExitCodes.OK;
    }

    private List<Entry> filter(List<Entry> all) {
        return name == null ? all : NamesProgram.matches(all, name.toLowerCase(java.util.Locale.ROOT));
    }

    private static List<Entry> entries(NamesClient.ClusterAnswer answer) {
        List<Entry> list = new ArrayList<>();
        for (NamesClient.ClusterName n : answer.names()) {
            InetSocketAddress a = Uaddr.parse(n.uaddr());
            list.add(new Entry(n.hostName(), n.name(), n.kind(), n.netid(),
                    a == null ? n.uaddr() : NetUtil.toAddressString(a.getAddress()), a == null ? 0 : a.getPort(),
                    n.program(), n.version(), ""));
        }
        return list;
    }

    /** Prints the table or JSON; exit code 3 when nothing matched. */
    private int print(List<Entry> entries, String source, String staleSession) throws IOException {
        if (json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            entries.forEach(e -> rows.add(row(e)));
            out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(rows));
        } else if (!entries.isEmpty()) {
            TextTable table = new TextTable("HOST", "NAME", "KIND", "PROTO", "ADDRESS", "PORT", "RPC");
            entries.forEach(e -> table.row(e.host(), e.name(), e.kind(), e.protocol(), e.address(), e.port(),
                    e.isRpc() ? e.program() + " v" + e.version() : "-"));
            table.print(out);
        }
        out.flush();
        if (staleSession != null) {
            err.println("portd lookup: note: the host's ZooKeeper session is " + staleSession
                    + "; this answer comes from its cache and may be stale");
        }
        if (entries.isEmpty()) {
            err.println((name == null ? "no service" : name) + ": nothing registered under this name in the cluster ("
                    + source + ")");
        }
        err.flush();
        return entries.isEmpty() ? LookupCommand.NOT_FOUND : ExitCodes.OK;
    }

    private static Map<String, Object> row(Entry e) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("hostName", e.host());
        row.put("name", e.name());
        row.put("kind", e.kind());
        row.put("protocol", e.protocol());
        row.put("host", e.address());
        row.put("port", e.port());
        if (e.isRpc()) {
            row.put("program", e.program());
            row.put("version", e.version());
        }
        return row;
    }

    private void first(List<Entry> entries) {
        shown = rows(entries);
    }

    private Set<String> rows(List<Entry> entries) {
        Set<String> rows = new LinkedHashSet<>();
        for (Entry e : entries) {
            String r = e.host() + " " + e.name() + " " + e.kind() + " " + e.protocol() + " " + e.address() + " " + e.port()
                    + (e.isRpc() ? " rpc " + e.program() + " v" + e.version() : "");
            rows.add(r);
            byRow.put(r, e);
        }
        return rows;
    }

    /** Prints what appeared ({@code +}) and what went ({@code -}) since the last answer. */
    private synchronized void changed(List<Entry> entries) {
        Set<String> now = rows(entries);
        String time = LocalTime.now().truncatedTo(ChronoUnit.SECONDS).toString();
        for (String r : shown) {
            if (!now.contains(r)) {
                event(time, "-", "removed", r);
            }
        }
        for (String r : now) {
            if (!shown.contains(r)) {
                event(time, "+", "added", r);
            }
        }
        shown = now;
        out.flush();
    }

    private void event(String time, String sign, String word, String r) {
        if (json) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("event", word);
            line.put("time", time);
            line.putAll(row(byRow.get(r)));
            try {
                out.println(mapper.writeValueAsString(line));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            out.println(time + " " + sign + " " + r);
        }
    }

    private static void awaitInterrupt() {
        try {
            new CountDownLatch(1).await();   // until Ctrl-C ends the process
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
