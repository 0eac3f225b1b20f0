package dev.portd.config;

import dev.portd.ports.Protocol;
import dev.portd.service.ServiceKind;
import dev.portd.service.ServiceOptions;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;

/**
 * One configured service, checked: which kind, where it listens, its limits and its own options.
 *
 * @param name      the table name in the config, unique in the host, e.g. {@code echo}
 * @param kind      what it serves
 * @param port      its port on every protocol; 0 asks the system for a free one
 * @param protocols TCP, UDP or both
 * @param bind      the addresses it listens on; empty means the host's default
 * @param limits    limits and access rules
 * @param options   the kind's own options, valid by their declarations and the kind's check
 */
public record ServiceConfig(String name, ServiceKind kind, int port, Set<Protocol> protocols,
                            List<InetAddress> bind, Limits limits, ServiceOptions options) {

    public ServiceConfig {
        protocols = Set.copyOf(protocols);
        bind = List.copyOf(bind);
    }

    public ServiceConfig withPort(int newPort) {
        return new ServiceConfig(name, kind, newPort, protocols, bind, limits, options);
    }

    public ServiceConfig withBind(List<InetAddress> addresses) {
        return new ServiceConfig(name, kind, port, protocols, addresses, limits, options);
    }
}
