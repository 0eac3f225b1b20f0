package dev.portd.config;

import dev.portd.service.Protocol;
import dev.portd.service.ServiceKind;
import dev.portd.service.ServiceOptions;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;

/**
 * One configured service: which kind, where it listens, and its limits.
 *
 * @param name      the table name in the config, unique in the host, e.g. {@code echo}
 * @param kind      what it serves
 * @param port      its port on every protocol; 0 asks the system for a free one
 * @param protocols TCP, UDP or both
 * @param bind      the addresses it listens on; empty means the host's default
 * @param limits    limits and access rules
 * @param options   the kind's own options
 */
public record ServiceConfig(String name, ServiceKind kind, int port, Set<Protocol> protocols,
                            List<InetAddress> bind, Limits limits, ServiceOptions options) {

    public ServiceConfig {
        protocols = Set.copyOf(protocols);
        bind = List.copyOf(bind);
    }

    /** This kind with its defaults under its own name, on the given port. */
    public static ServiceConfig of(ServiceKind kind, int port) {
        return new ServiceConfig(kind.name(), kind, port, kind.protocols(), List.of(), Limits.DEFAULT,
                ServiceOptions.NONE);
    }

    public ServiceConfig withPort(int newPort) {
        return new ServiceConfig(name, kind, newPort, protocols, bind, limits, options);
    }

    public ServiceConfig withBind(List<InetAddress> addresses) {
        return new ServiceConfig(name, kind, port, protocols, addresses, limits, options);
    }

    public ServiceConfig withLimits(Limits newLimits) {
        return new ServiceConfig(name, kind, port, protocols, bind, newLimits, options);
    }

    public ServiceConfig withOptions(ServiceOptions newOptions) {
        return new ServiceConfig(name, kind, port, protocols, bind, limits, newOptions);
    }

    public ServiceConfig withProtocols(Set<Protocol> newProtocols) {
        return new ServiceConfig(name, kind, port, newProtocols, bind, limits, options);
    }
}
