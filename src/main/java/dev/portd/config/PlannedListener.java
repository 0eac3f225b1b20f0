package dev.portd.config;

import dev.portd.ports.Protocol;
import java.net.InetSocketAddress;

/**
 * One listener a config asks for: a service on one protocol, address and port. The host's plan is
 * the list of them ({@link HostConfig#plan()}), computed in one place and used by {@code check}
 * (its table), {@code serve} (what it binds, its log lines and bind errors) and the dashboard.
 *
 * @param service  the configured service
 * @param protocol TCP or UDP
 * @param address  where to bind; the port is 0 when the system is to choose one
 */
public record PlannedListener(ServiceConfig service, Protocol protocol, InetSocketAddress address) {

    public String name() {
        return service.name();
    }

    public String kind() {
        return service.kind().name();
    }

    public int port() {
        return address.getPort();
    }

    /** {@code tcp/7 echo}: how logs and errors name a listener. */
    public String label() {
        return protocol.label() + "/" + port() + " " + name();
    }
}
