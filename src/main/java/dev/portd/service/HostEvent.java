package dev.portd.service;

/**
 * Events the host sends down the pipeline of every open TCP connection (as a Netty user event).
 * A service that does not care lets them pass; the host's own tail handler drops them.
 */
public enum HostEvent {
    /**
     * The host has stopped accepting and waits up to its grace period for open connections to
     * finish. A service should finish what it is doing and close: HTTP closes kept-alive and
     * event-stream connections once their current answer is out; what is still open at the end of
     * the grace period is closed by the host.
     */
    STOPPING
}
