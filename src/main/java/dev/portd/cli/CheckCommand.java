package dev.portd.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.portd.config.Durations;
import dev.portd.config.HostConfig;
import dev.portd.config.PlannedListener;
import dev.portd.ports.PortHolders;
import dev.portd.ports.Privilege;
import dev.portd.service.ServiceKinds;
import io.netty.util.NetUtil;
import java.io.PrintWriter;
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
 * {@code portd check}: validates a config exactly as {@code serve} does, without binding; prints
 * the listener plan and warns of the bind failures it can already foresee (a privileged port, a
 * port already held). {@code --kinds} prints every kind with its options instead.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Validate a config as serve would, without binding; print the listeners it would "
                + "serve and warn of ports that are privileged or already held.", ""},
        footer = {"", "Examples:",
                "  portd check                             the built-in config",
                "  portd check -c my.toml --port-offset 10000",
                "  portd check -c my.toml --json           the same data as JSON",
                "  portd check --kinds                     every service kind, its port and its options",
                "", "Exit codes: 0 the config is valid (warnings included), 2 it is not (each problem listed)."})
public final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    HostOptions options;

    @Option(names = "--json", description = "Print the listeners and warnings (or, with --kinds, the kinds) as JSON.")
    boolean json;

    @Option(names = "--kinds", description = "Print every service kind: its default port, protocols and options.")
    boolean kinds;

    @Option(names = "--markdown", hidden = true, description = "With --kinds: the README's reference tables.")
    boolean markdown;

    /** One listener of the plan, as the table and the JSON show it. */
    record Planned(String service, String kind, String protocol, String address, int port) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (kinds) {
            KindsReference reference = new KindsReference(ServiceKinds.BUILT_IN);
            out.print(json ? reference.json() : markdown ? reference.markdown() : reference.text());
            out.flush();
            return ExitCodes.OK;
        }
        HostConfig config = options.load();
        List<Planned> planned = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        PortHolders holders = new PortHolders();
        for (PlannedListener l : config.plan()) {
            planned.add(new Planned(l.name(), l.kind(), l.protocol().label(),
                    NetUtil.toAddressString(l.address().getAddress()), l.port()));
            if (!Privilege.mayBind(l.port())) {
                warnings.add(l.label() + ": ports below 1024 need root or CAP_NET_BIND_SERVICE; "
                        + "run as root, or use --port-offset 10000");
            }
            var held = l.port() == 0 ? List.<PortHolders.Holder>of() : holders.of(l.protocol(), l.port());
            if (!held.isEmpty()) {
                warnings.add(l.label() + ": address in use: " + PortHolders.describe(held, l.protocol(), l.port()));
            }
        }
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("config", config.source());
            doc.put("grace", Durations.format(config.grace()));
            doc.put("listeners", planned);
            doc.put("warnings", warnings);
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
            out.flush();
            return ExitCodes.OK;
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
        return ExitCodes.OK;
    }
}
