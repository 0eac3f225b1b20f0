package dev.portd.service;

import io.netty.channel.Channel;

/**
 * A protocol served on a port: the handlers it puts on a TCP connection or a UDP socket.
 *
 * <p>The host binds, applies limits and access rules, and counts traffic; a service only speaks its
 * protocol. A service that serves one transport leaves the other method alone.
 *
 * <pre>{@code
 * final class EchoService implements Service {
 *     public void initStream(Channel ch)   { ch.pipeline().addLast(new EchoStreamHandler()); }
 *     public void initDatagram(Channel ch) { ch.pipeline().addLast(EchoDatagramHandler.INSTANCE); }
 * }
 * }</pre>
 */
public interface Service {

    /** Adds the handlers for one accepted TCP connection, after the host's own. */
    default void initStream(Channel connection) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not serve TCP");
    }

    /**
     * Adds the handlers for one bound UDP socket, after the host's reflection guard. The channel is
     * shared by every client: a handler must never close it.
     */
    default void initDatagram(Channel socket) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not serve UDP");
    }

    /** Called once after the host has bound every listener; the ports are known from here on. */
    default void started() {
    }

    /** Called once when the host stops, after its listeners are closed. */
    default void stopped() {
    }
}
