package dev.portd.service;

import io.netty.channel.ChannelHandlerContext;

/**
 * Back-pressure for services that answer what they read (echo, ONC RPC over TCP): after a read
 * burst, flush and stop reading while the peer is not taking our replies; read again once the
 * channel is writable. A client that only sends then cannot make the server buffer without bound.
 */
public final class ReadPacing {
    private ReadPacing() {
    }

    /** At the end of a read burst ({@code channelReadComplete}): flush, then pause reading if full. */
    public static void flushAndPauseIfFull(ChannelHandlerContext ctx) {
        ctx.flush();
        if (!ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    /** On {@code channelWritabilityChanged}: read again once the replies have drained. */
    public static void resumeIfWritable(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(true);
        }
    }
}
