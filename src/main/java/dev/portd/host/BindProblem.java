package dev.portd.host;

import dev.portd.ports.PortHolders;
import dev.portd.ports.Privilege;
import dev.portd.ports.Protocol;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * Why one listener could not be bound, and what to do about it, as one line:
 * {@code tcp/7 echo on [::]:7: permission denied: ports below 1024 need root or ...; fix: ...}.
 *
 * @param protocol TCP or UDP
 * @param service  the configured service name
 * @param address  the address and port it asked for
 * @param cause    what the kernel said, in words
 * @param remedy   what the user can do
 */
public record BindProblem(Protocol protocol, String service, InetSocketAddress address, String cause,
                          String remedy) {

    /** Turns a failed bind into a problem with its cause and remedy. */
    static BindProblem of(Protocol protocol, String service, InetSocketAddress address, Throwable error) {
        String message = String.valueOf(error.getMessage()).toLowerCase(Locale.ROOT);
        int port = address.getPort();
        if (message.contains("permission denied") || message.contains("eacces")) {
            OptionalInt start = Privilege.unprivilegedPortStart();
            String limit = start.isPresent()
                    ? " (net.ipv4.ip_unprivileged_port_start = " + start.getAsInt() + ")" : "";
            return new BindProblem(protocol, service, address,
                    "permission denied: ports below 1024 need root or CAP_NET_BIND_SERVICE" + limit,
                    "run as root, or setcap cap_net_bind_service=+ep " + Privilege.javaBinary()
                            + ", or --port-offset 10000");
        }
        if (message.contains("address already in use") || message.contains("eaddrinuse")) {
            String holder = PortHolders.describe(new PortHolders().of(protocol, port), protocol, port);
            return new BindProblem(protocol, service, address, "address in use: " + holder,
                    "stop that program, or give services." + service + " another port");
        }
        if (message.contains("cannot assign requested address") || message.contains("eaddrnotavail")) {
            return new BindProblem(protocol, service, address,
                    "address " + NetUtil.toAddressString(address.getAddress()) + " is not on this host",
                    "bind to an address of this host (ip -brief address lists them), or leave bind out "
                            + "to listen on all of them");
        }
        return new BindProblem(protocol, service, address, String.valueOf(error.getMessage()),
                "check the address and port of services." + service);
    }

    /** {@code tcp/7 echo} */
    public String label() {
        return protocol.label() + "/" + address.getPort() + " " + service;
    }

    @Override
    public String toString() {
        return label() + " on " + NetUtil.toSocketAddressString(address) + ": " + cause + "; fix: " + remedy;
    }
}
