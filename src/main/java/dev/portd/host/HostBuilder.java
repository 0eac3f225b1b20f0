package dev.portd.host;

import dev.portd.config.HostConfig;
import dev.portd.config.ServiceConfig;
import dev.portd.service.ServiceKind;
import dev.portd.service.ServiceKinds;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Builds an embedded host. Every service listens on loopback, on a free port, unless told. */
public final class HostBuilder {
    private final List<ServiceConfig> services = new ArrayList<>();
    private List<InetAddress> bind = List.of(InetAddress.getLoopbackAddress());
    private Duration grace = HostConfig.DEFAULT_GRACE;
    private Clock clock = Clock.systemDefaultZone();
    private String transport = "auto";

    HostBuilder() {
    }

    /** Adds a service of that kind on a port chosen by the system, both its protocols. */
    public HostBuilder service(String kind) {
        return service(kind, 0);
    }

    /** Adds a service of that kind on that port (0: chosen by the system). */
    public HostBuilder service(String kind, int port) {
        ServiceKind k = ServiceKinds.find(kind);
        if (k == null) {
            throw new IllegalArgumentException("unknown service kind \"" + kind + "\"");
        }
        return service(ServiceConfig.of(k, port));
    }

    /** Adds a fully described service (name, limits, options). */
    public HostBuilder service(ServiceConfig service) {
        services.add(service);
        return this;
    }

    /** The addresses to listen on; the default is loopback only. "::" listens on all. */
    public HostBuilder bind(String... addresses) {
        List<InetAddress> parsed = new ArrayList<>();
        for (String a : addresses) {
            InetAddress address = NetUtil.createInetAddressFromIpAddressString(a);
            if (address == null) {
                throw new IllegalArgumentException("\"" + a + "\" is not an IP address");
            }
            parsed.add(address);
        }
        this.bind = parsed;
        return this;
    }

    public HostBuilder grace(Duration grace) {
        this.grace = grace;
        return this;
    }

    /** The clock of the time and daytime services. */
    public HostBuilder clock(Clock clock) {
        this.clock = clock;
        return this;
    }

    /** {@code auto} (default), {@code epoll}, {@code io_uring} or {@code nio}. */
    public HostBuilder transport(String transport) {
        this.transport = transport;
        return this;
    }

    public HostConfig config() {
        return new HostConfig("<embedded>", grace, bind, transport, services);
    }

    public Host start() {
        return Host.start(config(), clock);
    }
}
