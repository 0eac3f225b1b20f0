package dev.portd.host;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last in every UDP pipeline: releases what no one consumed and logs errors without closing, since
 * a UDP socket is shared by every client and one bad datagram must not stop the service.
 */
@Sharable
final class DatagramTailHandler extends ChannelInboundHandlerAdapter {
    static final DatagramTailHandler INSTANCE = new DatagramTailHandler();
    private static final Logger log = LoggerFactory.getLogger(DatagramTailHandler.class);

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{}: {}", ctx.channel(), cause.toString());
    }
}
