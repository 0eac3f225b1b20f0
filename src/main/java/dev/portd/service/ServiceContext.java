package dev.portd.service;

import java.time.Clock;
import java.util.concurrent.Executor;

/**
 * What a service is given when it is made: its configured name and options, the clock, where to
 * run blocking work, and a read-only view of the host it runs in.
 *
 * @param name     the configured name, e.g. {@code echo} or {@code echo-alt}
 * @param options  the kind's own options from the config
 * @param clock    the time source (fixed in tests)
 * @param blocking runs file I/O, fsync and /proc scans off the event loops
 * @param host     the running host's listeners and counters
 */
public record ServiceContext(
        String name, ServiceOptions options, Clock clock, Executor blocking, HostView host) {
}
