package dev.portd.service;

import io.netty.buffer.ByteBuf;

/**
 * A service whose whole answer on TCP is one reply, sent as soon as the client connects, then the
 * connection closes whatever the client sends (daytime, time, qotd). Knowing that, the host may send
 * the reply from the accept path itself, without a channel or a pipeline for the connection; its
 * limits, access rules and counters apply as to any connection. The service still sets up a
 * pipeline in {@link Service#initStream} for transports where the host cannot.
 */
public interface OneReply {
    /**
     * The reply for one connection, called from any event loop: a buffer of its own (the caller
     * releases it), whose bytes it may share with other replies.
     */
    ByteBuf reply();
}
