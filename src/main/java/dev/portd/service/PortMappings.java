package dev.portd.service;

import java.util.List;

/**
 * The registrations a portmapper holds (RFC 1833 {@code rpcb}), as the dashboard lists them. The
 * portmapper service offers it; the dashboard finds it through {@link HostView#servicesOf(Class)}.
 */
public interface PortMappings {

    /**
     * One registration: program and version served on a netid ({@code tcp}, {@code udp6},
     * {@code local}...) at a universal address ({@code 0.0.0.0.8.1}), and who registered it.
     */
    record Mapping(long program, long version, String netid, String address, String owner) {
    }

    /** Every registration, in registration order. */
    List<Mapping> mappings();

    /**
     * Calls {@code listener} after each SET or UNSET that changed the table, on the thread that made
     * it (an event loop): the listener must only hand the work on.
     */
    default void onChange(Runnable listener) {
    }
}
