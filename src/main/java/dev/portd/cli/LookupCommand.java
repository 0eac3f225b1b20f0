package dev.portd.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.portd.config.Durations;
import dev.portd.ports.ServiceNames;
import dev.portd.service.rpc.NamesClient;
import dev.portd.service.rpc.NamesClient.Name;
import dev.portd.service.rpc.NamesProgram;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code portd lookup}: asks a portd host, over portd's names program on its portmapper port
 * (111), where a service is; says when nothing is registered, with IANA's port as a hint. A host
 * that runs discovery answers for its whole cluster from its cache; {@code --zookeeper} asks the
 * ensemble itself; {@code --watch} prints changes until Ctrl-C.
 */
@Command(name = "lookup", mixinStandardHelpOptions = true,
        description = {"Find a service's host, protocol and port by asking a portd host over ONC RPC "
                + "on its portmapper port (111).", ""},
        footer = {"", "Examples:",
                "  portd lookup echo                       where echo is served on this host",
                "  portd lookup smtp --host mail.lan       ask another portd host",
                "  portd lookup --all --json               every service of this host, as JSON",
                "  portd lookup echo -p 10111              a host run with --port-offset 10000",
                "  portd lookup status --zookeeper zk:2181   rpc.statd on any host, via ZooKeeper",
                "  portd lookup --all --watch              the cluster's changes, until Ctrl-C",
                "", "Exit codes: 0 found, 3 nothing registered under that name, 2 bad usage or the host cannot be asked."})
public final class LookupCommand implements Callable<Integer> {
    /** Exit code when the host answers but serves nothing under that name. */
    public static final int NOT_FOUND = 3;

    @Spec
    CommandSpec spec;

    @ArgGroup(multiplicity = "1")
    What what;

    static final class What {
        @Parameters(paramLabel = "NAME", description = "A service name, e.g. echo (a kind matches too).")
        String name;

        @Option(names = "--all", description = "List every service of the host (of the cluster with discovery).")
        boolean all;
    }

    @Option(names = {"-H", "--host"}, paramLabel = "HOST", defaultValue = "localhost",
            description = "The portd host to ask. Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", defaultValue = "111",
            description = "Its portmapper port. Default: ${DEFAULT-VALUE}; e.g. 40111 with --port-offset 40000.")
    int port;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "3s",
            description = "Give up after this long, e.g. 500ms. Default: ${DEFAULT-VALUE}.")
    String timeout;

    @Option(names = "--json", description = "Print the answer as JSON.")
    boolean json;

    @Option(names = "--zookeeper", paramLabel = "CONNECT",
            description = "Ask this ZooKeeper ensemble instead of a host, e.g. 10.0.0.1:2181,10.0.0.2:2181.")
    String zookeeper;

    @Option(names = "--base-path", paramLabel = "PATH", defaultValue = "/portd",
            description = "With --zookeeper: the hosts' [discovery] base_path. Default: ${DEFAULT-VALUE}.")
    String basePath;

    @Option(names = "--watch", description = "Print the answer, then each change as it happens, until Ctrl-C.")
    boolean watch;

    @Override
    public Integer call() throws IOException {
        if (port < 1 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port " + port + ": must be 1..65535");
        }
        Duration wait = Durations.parse(timeout);
        if (wait == null || wait.isZero() || wait.isNegative()) {
            throw new ParameterException(spec.commandLine(), "--timeout " + timeout + ": use a duration such as 3s or 500ms");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (zookeeper != null) {
            return new ClusterLookup(out, err, what.all ? null : what.name, json).fromZookeeper(zookeeper, basePath, wait, watch);
        }
        String where = host + " port " + port;
        List<Name> names;
        try {
            InetSocketAddress server = new InetSocketAddress(host, port);
            if (server.isUnresolved()) {
                throw new UnknownHostException(host);
            }
            NamesClient.ClusterAnswer answer = NamesClient.cluster(server, what.all ? null : what.name, wait);
            if (answer != null && (answer.state() != NamesProgram.LOCAL || watch)) {
                return new ClusterLookup(out, err, what.all ? null : what.name, json).fromHost(server, where, answer, wait, watch);
            }
            names = answer != null ? answer.names().stream().map(NamesClient.ClusterName::asName).toList()
                    : what.all ? NamesClient.list(server, wait) : NamesClient.lookup(server, what.name, wait);
        } catch (UnknownHostException e) {
            return fail(err, "unknown host " + host);
        } catch (ConnectException e) {
            return fail(err, "cannot reach " + where + ": " + e.getMessage()
                    + "; is portd serving its portmapper there? (portd serve; --port for another port)");
        } catch (SocketTimeoutException e) {
            return fail(err, where + " did not answer within " + timeout);
        } catch (NamesClient.NotPortdException e) {
            return fail(err, where + ": " + e.getMessage());
        } catch (IOException e) {
            return fail(err, where + ": " + e.getMessage());
        }
        if (json) {
            printJson(out, names);
        } else if (!names.isEmpty()) {
            TextTable table = new TextTable("NAME", "KIND", "PROTO", "HOST", "PORT");
            names.forEach(n -> table.row(n.name(), n.kind(), n.netid(), n.host(), n.port()));
            table.print(out);
        }
        if (names.isEmpty()) {
            String label = what.all ? "no service" : what.name;
            String hint = what.all ? null : wellKnown(what.name);
            err.println(label + ": nothing registered under this name on " + where
                    + (hint == null ? "" : "; hint: IANA's well-known port for " + what.name + " is " + hint
                    + " (not checked)"));
            err.flush();
            return NOT_FOUND;
        }
        return ExitCodes.OK;
    }

    /** IANA's ports for that name over TCP and UDP (the registry shipped in the jar), or null. */
    static String wellKnown(String name) {
        String ports = ServiceNames.load().byName(name.toLowerCase(Locale.ROOT)).stream()
                .filter(e -> e.protocol().equals("tcp") || e.protocol().equals("udp"))
                .map(ServiceNames.Entry::portProtocol).distinct().collect(Collectors.joining(", "));
        return ports.isEmpty() ? null : ports;
    }

    private void printJson(PrintWriter out, List<Name> names) throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Name n : names) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", n.name());
            row.put("kind", n.kind());
            row.put("protocol", n.netid());
            row.put("host", n.host());
            row.put("port", n.port());
            rows.add(row);
        }
        out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(rows));
        out.flush();
    }

    private static int fail(PrintWriter err, String message) {
        err.println(ExitCodes.PREFIX + message);
        err.flush();
        return ExitCodes.REFUSED;
    }
}
