package dev.portd.service.rpc;

import dev.portd.service.ReadPacing;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.function.Function;

/**
 * Answers the records of one stream connection (TCP or the local socket), in order. A record with
 * no readable call header closes the connection, as there is nothing to answer; every other bad
 * call gets its RPC error reply. Reading pauses while the peer does not read our replies.
 */
final class RpcStreamHandler extends ChannelInboundHandlerAdapter {
    private final RpcDispatcher dispatcher;
    private final Function<Channel, RpcCaller> callerOf;
    private RpcCaller caller;

    RpcStreamHandler(RpcDispatcher dispatcher, Function<Channel, RpcCaller> callerOf) {
        this.dispatcher = dispatcher;
        this.callerOf = callerOf;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        caller = callerOf.apply(ctx.channel());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf record)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (!ctx.channel().isActive()) {
                return;   // closed by an earlier record of the same read: a reply would fail into exceptionCaught
            }
            if (caller == null) {
                caller = callerOf.apply(ctx.channel());
            }
            RpcCallDecoder.Result message = RpcCallDecoder.decode(record);
            ByteBuf reply = dispatcher.reply(message, caller, ctx.alloc());
            if (reply == null) {
                ctx.flush();   // the replies to the calls before this one go out first
                ctx.close();
            } else {
                // a real promise, not the void one: a reply still queued when the connection closes
                // fails quietly into it instead of into exceptionCaught as an error
                ctx.write(reply);
            }
        } finally {
            record.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ReadPacing.flushAndPauseIfFull(ctx);
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ReadPacing.resumeIfWritable(ctx);
        ctx.fireChannelWritabilityChanged();
    }
}
