package dev.portd.config;

import dev.portd.ports.Protocol;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

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
 * @param loopPorts the well-known ports of the kinds that answer any datagram: a datagram from one
 *                  of them is another server's answer, never answered (the loop guard)
 * @param discovery the {@code [discovery]} table, or null: this host alone, no ZooKeeper
 * @param controlSocket the AF_UNIX path of {@code portd reload} and {@code serve --upgrade}; "" for none
 */
public record HostConfig(String source, Duration grace, List<InetAddress> bind, String transport,
                         List<ServiceConfig> services, Set<Integer> loopPorts, DiscoveryConfig discovery,
                         String controlSocket) {

    public HostConfig {
        bind = List.copyOf(bind);
        services = List.copyOf(services);
        loopPorts = Set.copyOf(loopPorts);
    }

    /**
     * Every listener this config asks for, in config order: each service, on each of its addresses
     * (its own, else the host's, else every address), TCP before UDP.
     */
    public List<PlannedListener> plan() {
        List<PlannedListener> plan = new ArrayList<>();
        for (ServiceConfig s : services) {
            for (InetAddress address : addresses(s)) {
                for (Protocol p : Protocol.values()) {
                    if (s.protocols().contains(p)) {
                        plan.add(new PlannedListener(s, p, new InetSocketAddress(address, s.port())));
                    }
                }
            }
        }
        return plan;
    }

    private List<InetAddress> addresses(ServiceConfig s) {
        if (!s.bind().isEmpty()) {
            return s.bind();
        }
        if (!bind.isEmpty()) {
            return bind;
        }
        return List.of(everyAddress());
    }

    /** {@code ::} (one dual-stack socket for IPv4 and IPv6) where the host has IPv6, else {@code 0.0.0.0}. */
    static InetAddress everyAddress() {
        boolean ipv6 = !NetUtil.isIpV4StackPreferred()
                && (!System.getProperty("os.name").startsWith("Linux") || Files.exists(Path.of("/proc/net/if_inet6")));
        return NetUtil.createInetAddressFromIpAddressString(ipv6 ? "::" : "0.0.0.0");
    }

    /**
     * Adds {@code offset} (0 or more) to every port except 0 ({@code --port-offset 10000} puts echo
     * on 10007). Throws ConfigException naming each service pushed past 65535.
     */
    public HostConfig withPortOffset(int offset) {
        if (offset < 0) {
            throw new ConfigException(List.of("--port-offset " + offset + ": must be 0 or more; "
                    + "give the ports you want in the config instead"));
        }
        if (offset == 0) {
            return this;
        }
        List<String> problems = new ArrayList<>();
        List<ServiceConfig> moved = new ArrayList<>();
        for (ServiceConfig s : services) {
            long port = s.port() == 0 ? 0 : (long) s.port() + offset;
            if (port > 65535) {
                problems.add(source + ": services." + s.name() + ".port = " + s.port() + " with --port-offset "
                        + offset + " gives " + port + ": must be 1..65535; use an offset of at most "
                        + (65535 - s.port()));
            }
            moved.add(s.withPort((int) Math.min(port, 65535)));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new HostConfig(source, grace, bind, transport, moved, loopPorts, discovery, controlSocket);
    }

    /** The same host listening on these addresses only ({@code --bind}), overriding every service's. */
    public HostConfig withBind(List<InetAddress> addresses) {
        List<ServiceConfig> rebound = new ArrayList<>();
        for (ServiceConfig s : services) {
            rebound.add(s.withBind(List.of()));
        }
        return new HostConfig(source, grace, addresses, transport, rebound, loopPorts, discovery, controlSocket);
    }

    public HostConfig withTransport(String name) {
        return new HostConfig(source, grace, bind, name, services, loopPorts, discovery, controlSocket);
    }

    public HostConfig withGrace(Duration newGrace) {
        return new HostConfig(source, newGrace, bind, transport, services, loopPorts, discovery, controlSocket);
    }
}
