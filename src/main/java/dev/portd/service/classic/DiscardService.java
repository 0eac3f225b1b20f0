package dev.portd.service.classic;

import dev.portd.service.Service;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/** Discard (RFC 863): read everything and answer nothing, on TCP until the client closes, and on UDP. */
public final class DiscardService implements Service {

    @Override
    public void initStream(Channel connection) {
        connection.pipeline().addLast(DiscardHandler.INSTANCE);
    }

    @Override
    public void initDatagram(Channel socket) {
        socket.pipeline().addLast(DiscardHandler.INSTANCE);
    }

    /** Releases what it reads; the host has already counted the bytes. */
    @Sharable
    static final class DiscardHandler extends ChannelInboundHandlerAdapter {
        static final DiscardHandler INSTANCE = new DiscardHandler();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }
}
