package dev.portd.service;

/**
 * The host's idle timeout of one TCP connection, for a service that takes the connection out of
 * portd's hands (exec gives the socket to a program, so portd sees no bytes and must not time it
 * out itself): found among the connection's handlers, asked for its timeout, then stopped.
 */
public interface ConnectionIdle {
    /** The connection's idle_timeout in milliseconds; 0: none. */
    long idleTimeoutMillis();

    /** Stops the host's idle timer for good: the service watches idleness itself from now on. */
    void stopIdleTimer();
}
