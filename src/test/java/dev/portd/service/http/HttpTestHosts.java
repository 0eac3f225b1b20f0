package dev.portd.service.http;

import dev.portd.config.ServiceConfig;
import dev.portd.host.Host;
import dev.portd.service.ServiceKinds;
import dev.portd.service.ServiceOptions;
import java.time.Duration;
import java.util.Map;

/** Embedded hosts with an http service on loopback, port 0. */
final class HttpTestHosts {
    private HttpTestHosts() {
    }

    static ServiceConfig http(Map<String, Object> options) {
        return ServiceConfig.of(ServiceKinds.find("http"), 0).withOptions(new ServiceOptions(options));
    }

    /** Kept-alive client connections would hold a stop for the whole default grace period. */
    static final Duration GRACE = Duration.ofMillis(100);

    static Host start(Map<String, Object> options) {
        return Host.builder().grace(GRACE).service(http(options)).start();
    }

    static Host start(Map<String, Object> options, String transport) {
        return Host.builder().grace(GRACE).transport(transport).service(http(options)).start();
    }
}
