package dev.portd.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.portd.config.Durations;
import dev.portd.config.HostConfig;
import dev.portd.config.ServiceConfig;
import dev.portd.ports.PortHolders;
import dev.portd.ports.Privilege;
import dev.portd.service.Protocol;
import io.netty.util.NetUtil;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code portd check}: validates a config without binding anything, prints what it would serve and
 * warns of the bind failures it can already foresee (a privileged port, a port already held).
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Validate a config without binding; print the listeners it would serve "
                + "and warn of ports that are privileged or already held.", ""},
        footer = {"", "Examples:",
                "  portd check                             the built-in config",
                "  portd check -c my.toml --port-offset 10000",
                "  portd check -c my.toml --json           the same data as JSON",
                "", "Exit codes: 0 the config is valid (warnings included), 2 it is not (each problem listed)."})
public final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    HostOptions options;

    @Option(names = "--json", description = "Print the listeners and warnings as JSON.")
    boolean json;

    /** One listener the config asks for. */
    record Planned(String service, String kind, String protocol, String address, int port) {
    }

    @Override
    public Integer call() throws Exception {
        HostConfig config = options.load();
        List<Planned> planned = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        PortHolders holders = new PortHolders();
        for (ServiceConfig s : config.services()) {
            List<InetAddress> bind = s.bind().isEmpty() ? config.bind() : s.bind();
            List<String> addresses = bind.isEmpty() ? List.of("*") : bind.stream().map(NetUtil::toAddressString).toList();
            for (Protocol p : List.of(Protocol.TCP, Protocol.UDP)) {
                if (!s.protocols().contains(p)) {
                    continue;
                }
                for (String a : addresses) {
                    planned.add(new Planned(s.name(), s.kind().name(), p.label(), a, s.port()));
                }
                String label = p.label() + "/" + s.port() + " " + s.name();
                if (!Privilege.mayBind(s.port())) {
                    warnings.add(label + ": ports below 1024 need root or CAP_NET_BIND_SERVICE; "
                            + "run as root, or use --port-offset 10000");
                }
                var held = s.port() == 0 ? List.<PortHolders.Holder>of() : holders.of(p, s.port());
                if (!held.isEmpty()) {
                    warnings.add(label + ": address in use: " + PortHolders.describe(held, p, s.port()));
                }
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("config", config.source());
            doc.put("grace", Durations.format(config.grace()));
            doc.put("listeners", planned);
            doc.put("warnings", warnings);
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
            out.flush();
            return 0;
        }
        TextTable table = new TextTable("SERVICE", "KIND", "PROTO", "ADDRESS", "PORT");
        planned.forEach(l -> table.row(l.service(), l.kind(), l.protocol(), l.address(), l.port()));
        table.print(out);
        for (String w : warnings) {
            out.println("warning: " + w);
        }
        out.println(config.source() + ": OK, " + Counted.of(config.services().size(), "service") + ", "
                + Counted.of(planned.size(), "listener") + (warnings.isEmpty() ? "" : ", " + Counted.of(warnings.size(), "warning")));
        out.flush();
        return 0;
    }
}
