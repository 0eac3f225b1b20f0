package dev.portd.service.rpc;

import static dev.portd.service.ServiceKind.TCP_UDP;

import dev.portd.service.OptionSpec;
import dev.portd.service.OptionSpec.Type;
import dev.portd.service.ServiceKind;
import java.util.List;

/** The row of the ONC RPC portmapper, for the table in {@code ServiceKinds}. */
public final class RpcServices {
    private RpcServices() {
    }

    public static final List<ServiceKind> KINDS = List.of(
            new ServiceKind("portmapper", 111, TCP_UDP, List.of(
                    new OptionSpec("local_socket", Type.PATH, "rpcbind's local socket, served where its directory"
                            + " exists and no rpcbind holds it; default \"/run/rpcbind.sock\" on port 111, none"
                            + " on other ports; \"\" for none"),
                    new OptionSpec("state", Type.PATH, "file keeping registrations across restarts; default"
                            + " \"/run/portd/portmapper.state\" on port 111, none on other ports; \"\" for none"),
                    new OptionSpec("max_record_bytes", Type.INTEGER, "largest RPC record over TCP, all fragments;"
                            + " default 65536 (1024..16777216)"),
                    new OptionSpec("udp_dump_per_source", Type.INTEGER, "DUMP, GETADDRLIST and GETSTAT calls over"
                            + " UDP answered per non-local source and second; default 2"),
                    new OptionSpec("insecure", Type.BOOLEAN, "accept SET and UNSET from any host (rpcbind -i);"
                            + " default false: local callers only")),
                    PortmapperService::new, "RFC 1833: ONC RPC portmapper and rpcbind v2-4; names for portd lookup"));
}
