package dev.portd.support;

import dev.portd.host.Host;
import dev.portd.host.HostBuilder;
import dev.portd.service.ServiceKinds;
import java.time.Clock;

/**
 * Starts in-process hosts from TOML snippets, checked by the same loader as a user's config file:
 * loopback, a free port for every service that names none.
 *
 * <pre>{@code
 * try (Host host = TestHosts.start("""
 *         [services.echo]
 *         max_connections = 2
 *         """)) { ... host.tcpPort("echo") ... }
 * }</pre>
 */
public final class TestHosts {
    private TestHosts() {
    }

    /** A builder over the built-in kinds, for a clock or more text. */
    public static HostBuilder builder() {
        return Host.builder(ServiceKinds.BUILT_IN);
    }

    public static Host start(String toml) {
        return builder().toml(toml).start();
    }

    public static Host start(String toml, Clock clock) {
        return builder().toml(toml).clock(clock).start();
    }

    /** One service of each named kind, with every default. */
    public static Host kinds(String... kinds) {
        HostBuilder b = builder();
        for (String kind : kinds) {
            b.service(kind);
        }
        return b.start();
    }

    /** A TOML string literal of a path or text (quotes and backslashes escaped). */
    public static String quote(Object value) {
        return "\"" + value.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
