package dev.portd.service.http;

import dev.portd.host.Host;
import dev.portd.support.TestHosts;
import java.util.Map;

/** Embedded hosts with HTTP services, on loopback and free ports, with a short grace period. */
final class HttpTestHosts {
    private HttpTestHosts() {
    }

    /** Kept-alive client connections would hold a stop for the whole default grace period. */
    static final String GRACE = "[host]\ngrace = \"100ms\"\n";

    /** A host of these services (TOML tables), stopping quickly. */
    static Host start(String services) {
        return TestHosts.start(GRACE + services);
    }

    /** One http service with these options. */
    static Host start(Map<String, Object> options) {
        return start(http(options));
    }

    static Host start(Map<String, Object> options, String transport) {
        return TestHosts.start("[host]\ngrace = \"100ms\"\ntransport = \"" + transport + "\"\n" + http(options));
    }

    static String http(Map<String, Object> options) {
        StringBuilder toml = new StringBuilder("[services.http]\n");
        options.forEach((key, value) -> toml.append(key).append(" = ").append(value instanceof String
                || value instanceof java.time.Duration ? TestHosts.quote(value instanceof java.time.Duration d
                ? d.toMillis() + "ms" : value) : value).append('\n'));
        return toml.toString();
    }
}
