package dev.portd.config;

import dev.portd.discovery.DiscoveryConfig;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole host: where its config came from, how it drains, its default bind addresses and its
 * services in config order.
 *
 * @param source    the file it was read from, for messages ({@code <built-in>} for the default)
 * @param grace     how long open connections may finish after SIGTERM before they are closed
 * @param bind      the addresses of services that name none; empty means every address, IPv4 and
 *                  IPv6 (one dual-stack socket)
 * @param transport {@code auto}, {@code epoll}, {@code io_uring} or {@code nio}
 * @param services  the services, in config order
 * @param discovery the {@code [discovery]} table, or null: this host alone, no ZooKeeper
 */
public record HostConfig(String source, Duration grace, List<InetAddress> bind, String transport,
                         List<ServiceConfig> services, DiscoveryConfig discovery) {

    /** Connections get five seconds to finish after SIGTERM, as systemd's stop jobs expect far less than their 90 s. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);

    public HostConfig {
        bind = List.copyOf(bind);
        services = List.copyOf(services);
    }

    /** A host without discovery. */
    public HostConfig(String source, Duration grace, List<InetAddress> bind, String transport,
                      List<ServiceConfig> services) {
        this(source, grace, bind, transport, services, null);
    }

    /**
     * Adds {@code offset} to every port except 0 ({@code --port-offset 10000} puts echo on 10007).
     * Throws ConfigException naming each port pushed past 65535.
     */
    public HostConfig withPortOffset(int offset) {
        if (offset == 0) {
            return this;
        }
        List<String> problems = new ArrayList<>();
        List<ServiceConfig> moved = new ArrayList<>();
        for (ServiceConfig s : services) {
            int port = s.port() == 0 ? 0 : s.port() + offset;
            if (port < 0 || port > 65535) {
                problems.add(source + ": services." + s.name() + ".port = " + s.port() + " with --port-offset "
                        + offset + " gives " + port + ": must be 1..65535; use a smaller offset");
            }
            moved.add(s.withPort(port));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new HostConfig(source, grace, bind, transport, moved, discovery);
    }

    /** The same host listening on these addresses only ({@code --bind}), overriding every service's. */
    public HostConfig withBind(List<InetAddress> addresses) {
        List<ServiceConfig> rebound = new ArrayList<>();
        for (ServiceConfig s : services) {
            rebound.add(s.withBind(List.of()));
        }
        return new HostConfig(source, grace, addresses, transport, rebound, discovery);
    }

    public HostConfig withTransport(String name) {
        return new HostConfig(source, grace, bind, name, services, discovery);
    }

    public HostConfig withGrace(Duration newGrace) {
        return new HostConfig(source, newGrace, bind, transport, services, discovery);
    }
}
