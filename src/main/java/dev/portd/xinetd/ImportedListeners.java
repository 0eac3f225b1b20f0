package dev.portd.xinetd;

import dev.portd.ports.Cidr;
import dev.portd.service.ServiceKind;
import dev.portd.service.ServiceKinds;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The listeners of the services imported so far, so that a later enabled service on the same
 * protocol and port, on an overlapping address, is found: xinetd fails to bind it and goes on
 * without it, while portd refuses a config with two services on one port.
 */
final class ImportedListeners {
    private record Listener(String protocol, int port, InetAddress address, String service) {
    }

    private final List<Listener> taken = new ArrayList<>();

    /**
     * Takes the listener of an enabled service, or says which service already has it.
     *
     * @param port    the written {@code port}, or null for a built-in kind's well-known port
     * @param bind    the written {@code bind} address, or null for every address
     * @return null when taken now; else which listener, and the service that has it
     */
    String take(String service, String kind, String protocol, String port, String bind) {
        int number = port != null ? Integer.parseInt(port) : wellKnownPort(kind);
        InetAddress address = bind == null ? null : NetUtil.createInetAddressFromIpAddressString(bind);
        for (Listener l : taken) {
            if (l.protocol().equals(protocol) && l.port() == number && overlap(l.address(), address)) {
                return protocol + "/" + number + " is already served by services." + l.service();
            }
        }
        taken.add(new Listener(protocol, number, address, service));
        return null;
    }

    private static int wellKnownPort(String kind) {
        return ServiceKinds.BUILT_IN.stream().filter(k -> k.name().equals(kind)).mapToInt(ServiceKind::defaultPort)
                .findFirst().orElseThrow(() -> new IllegalArgumentException(kind + " has no well-known port"));
    }

    /** As the config loader judges: "every address" overlaps all, else the same address (v4-mapped unmapped). */
    private static boolean overlap(InetAddress a, InetAddress b) {
        return a == null || b == null || a.isAnyLocalAddress() || b.isAnyLocalAddress()
                || Cidr.unmapped(a).equals(Cidr.unmapped(b));
    }
}
