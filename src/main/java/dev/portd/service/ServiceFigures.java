package dev.portd.service;

import java.util.Map;

/**
 * Counters a service keeps beside the host's own (bytes each way through a relay, programs that
 * failed to start), shown on its dashboard row and in {@code /api/services} under {@code figures}.
 * The dashboard finds them through {@link HostView#servicesOf(Class)}.
 */
public interface ServiceFigures {

    /** The configured name of the service these figures belong to. */
    String serviceName();

    /** Name to value, in a stable order, e.g. {@code upstream_bytes_out -> 1234}. */
    Map<String, Long> figures();
}
