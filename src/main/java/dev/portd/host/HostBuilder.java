package dev.portd.host;

import dev.portd.config.ConfigLoader;
import dev.portd.config.HostConfig;
import dev.portd.service.ServiceKind;
import java.time.Clock;
import java.util.List;

/**
 * Builds an embedded host from TOML, checked exactly as {@code portd serve} checks a config file.
 * What the text leaves out differs from a file's defaults: every service listens on loopback, on a
 * port the system chooses, unless the text says otherwise.
 *
 * <pre>{@code
 * Host host = Host.builder(ServiceKinds.BUILT_IN)
 *         .service("echo")
 *         .toml("""
 *               [services.slow-echo]
 *               kind = "echo"
 *               max_connections = 2
 *               idle_timeout = "1s"
 *               """)
 *         .start();
 * }</pre>
 */
public final class HostBuilder {
    private final List<ServiceKind> kinds;
    private final StringBuilder toml = new StringBuilder();
    private Clock clock = Clock.systemDefaultZone();

    HostBuilder(List<ServiceKind> kinds) {
        this.kinds = List.copyOf(kinds);
    }

    /** Adds a service of that kind under its own name, on a free port, with every default. */
    public HostBuilder service(String kind) {
        return toml("[services." + kind + "]\n");
    }

    /** Adds config text: {@code [host]} and {@code [services.NAME]} tables, as in a config file. */
    public HostBuilder toml(String text) {
        toml.append(text).append('\n');
        return this;
    }

    /** The clock of the time and daytime services (fixed in tests). */
    public HostBuilder clock(Clock clock) {
        this.clock = clock;
        return this;
    }

    /** The checked config; throws ConfigException listing every problem, as {@code portd check} does. */
    public HostConfig config() {
        return ConfigLoader.parse(toml.toString(), "<embedded>", kinds, ConfigLoader.Defaults.EMBEDDED);
    }

    public Host start() {
        return Host.start(config(), clock);
    }
}
