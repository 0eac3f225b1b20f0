package dev.portd.service;

/**
 * Events the host sends down the pipeline of every open TCP connection (as a Netty user event).
 * A service that does not care lets them pass; the host's own tail handler drops them.
 */
public enum HostEvent {
    /**
     * The host has stopped accepting and waits up to its grace period for open connections to
     * finish. A service should finish what it is doing and close without cutting off a request
     * already on its way: HTTP answers the next request with {@code Connection: close}, closes a
     * kept-alive connection idle for a second, and ends event streams; what is still open at the end
     * of the grace period is closed by the host.
     */
    STOPPING
}
