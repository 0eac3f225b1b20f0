package dev.portd.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.portd.ports.PortHolders;
import dev.portd.ports.PortHolders.Holder;
import dev.portd.ports.ProcessInfo;
import dev.portd.ports.ProcessTable;
import dev.portd.ports.SocketEntry;
import dev.portd.ports.Users;
import io.netty.util.NetUtil;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code portd who}: the local TCP and UDP sockets with the process that holds each, read from
 * /proc like {@code ss -ltnup}; the same code names the holder of a busy port in a bind error.
 */
@Command(name = "who", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"List the listening TCP and UDP sockets of this machine with the PID, user and "
                + "command line of the process holding each (read from /proc, like ss -ltnup); "
                + "with PORT, only that port. An owner this user may not see is said to be hidden, "
                + "not guessed: run as root to see every process.", ""},
        footer = {"", "Examples:",
                "  portd who              every listening socket",
                "  portd who 80           who holds port 80 (TCP or UDP)",
                "  portd who --all --tcp  every TCP socket, established ones too",
                "  portd who 25 --json",
                "", "Exit codes: 0 listed (an empty list included), 2 bad option."})
public final class WhoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "PORT", description = "Only sockets on this local port (1-65535).")
    Integer port;

    @Option(names = {"-a", "--all"}, description = "Also established and other non-listening sockets.")
    boolean all;

    @Option(names = "--tcp", description = "Only TCP sockets.")
    boolean tcp;

    @Option(names = "--udp", description = "Only UDP sockets.")
    boolean udp;

    @Option(names = "--json", description = "Print the sockets as JSON.")
    boolean json;

    /** One socket as listed. */
    record Row(String protocol, String state, String local, int localPort, String peer, Long pid, String user,
               String command) {
    }

    private final PortHolders holders;

    public WhoCommand() {
        this(new PortHolders());
    }

    WhoCommand(PortHolders holders) {
        this.holders = holders;
    }

    @Override
    public Integer call() throws Exception {
        if (port != null && (port < 1 || port > 65535)) {
            throw new ParameterException(spec.commandLine(), "port " + port + " is outside 1-65535");
        }
        Users users = new Users();
        List<Row> rows = new ArrayList<>();
        for (Holder h : holders.sockets(all)) {
            SocketEntry s = h.socket();
            if ((port != null && s.local().getPort() != port) || (tcp && !udp && s.protocol().label().equals("udp"))
                    || (udp && !tcp && s.protocol().label().equals("tcp"))) {
                continue;
            }
            ProcessInfo p = h.process().orElse(null);
            rows.add(new Row(s.protocol().label(), s.state(), address(s.local()), s.local().getPort(),
                    s.remote().getPort() == 0 ? "*" : address(s.remote()) + ":" + s.remote().getPort(),
                    p == null ? null : p.pid(), p == null ? users.name(s.uid()) : p.user(),
                    p == null ? "(" + ProcessTable.hiddenReason(s.uid(), users) + ")" : p.commandLine()));
        }
        rows.sort(Comparator.comparing(Row::protocol).thenComparingInt(Row::localPort).thenComparing(Row::local));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("sockets", rows);
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
        } else if (rows.isEmpty()) {
            out.println(port == null ? "no sockets found" : "nothing " + (all ? "uses" : "listens on") + " port "
                    + port + (tcp == udp ? " (tcp or udp)" : tcp ? " (tcp)" : " (udp)"));
        } else {
            TextTable table = new TextTable("PROTO", "STATE", "LOCAL", "PEER", "PID", "USER", "COMMAND");
            for (Row r : rows) {
                table.row(r.protocol(), r.state(), r.local() + ":" + r.localPort(), r.peer(),
                        r.pid() == null ? "-" : r.pid(), r.user(), r.command());
            }
            table.print(out);
        }
        out.flush();
        return 0;
    }

    /** {@code 127.0.0.1}, {@code [::1]}, {@code *} for the wildcard. */
    private static String address(InetSocketAddress a) {
        if (a.getAddress().isAnyLocalAddress()) {
            return a.getAddress().getAddress().length == 4 ? "0.0.0.0" : "[::]";
        }
        String text = NetUtil.toAddressString(a.getAddress());
        return text.contains(":") ? "[" + text + "]" : text;
    }
}
