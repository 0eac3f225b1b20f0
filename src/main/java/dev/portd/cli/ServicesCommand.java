package dev.portd.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.portd.ports.ServiceNames;
import dev.portd.ports.ServiceNames.Entry;
import java.io.PrintWriter;
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

/** {@code portd services}: what a port number or a service name means, from IANA and /etc/services. */
@Command(name = "services", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Look up a port number or service name in the IANA Service Name and Port Number "
                + "registry shipped inside portd, merged with /etc/services where it exists.", ""},
        footer = {"", "Examples:",
                "  portd services 25              the names of port 25: smtp",
                "  portd services http            the ports named http: 80/tcp, 80/sctp, ...",
                "  portd services --search mail   every entry whose name or description mentions mail",
                "  portd services 111 --json",
                "", "Exit codes: 0 found, 2 nothing matched or bad usage."})
public final class ServicesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "QUERY", description = "A port number (e.g. 25) or a service name (e.g. smtp).")
    String query;

    @Option(names = {"-s", "--search"}, paramLabel = "WORD",
            description = "Find entries whose name, alias or description contains WORD (any case).")
    String search;

    @Option(names = "--protocol", paramLabel = "PROTO", description = "Only tcp, udp, sctp or dccp entries.")
    String protocol;

    @Option(names = "--json", description = "Print the entries as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if ((query == null) == (search == null)) {
            throw new ParameterException(spec.commandLine(),
                    "give a port number or service name, or --search WORD (e.g. portd services 25)");
        }
        ServiceNames names = ServiceNames.load();
        List<Entry> found;
        String what;
        if (search != null) {
            found = names.search(search);
            what = "mentions \"" + search + "\"";
        } else if (query.strip().matches("\\d{1,5}")) {
            int port = Integer.parseInt(query.strip());
            if (port > 65535) {
                throw new ParameterException(spec.commandLine(), "port " + port + " is outside 0-65535");
            }
            found = names.byPort(port);
            what = "is registered for port " + port;
        } else {
            found = names.byName(query.strip());
            what = "is named \"" + query.strip() + "\"";
        }
        if (protocol != null) {
            found = found.stream().filter(e -> e.protocol().equalsIgnoreCase(protocol)).toList();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("entries", found);
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
            out.flush();
            return found.isEmpty() ? 2 : 0;
        }
        if (found.isEmpty()) {
            PrintWriter err = spec.commandLine().getErr();
            err.println(ExitCodes.PREFIX + "nothing " + what + (protocol == null ? "" : " over " + protocol)
                    + (search == null ? "; try portd services --search " + query.strip() : ""));
            err.flush();
            return 2;
        }
        TextTable table = new TextTable("PORT", "NAME", "ALIASES", "DESCRIPTION", "SOURCE");
        for (Entry e : found) {
            table.row(e.portProtocol(), e.name(), String.join(" ", e.aliases()), e.description(), e.source());
        }
        table.print(out);
        return 0;
    }
}
