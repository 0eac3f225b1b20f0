package dev.portd.host;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last in every TCP pipeline, after the service. When the client half-closes, whatever the service
 * has queued is flushed before the connection closes (so {@code nc -N} gets its whole echo);
 * a reset by the peer is normal and logged at debug; any other exception is a bug, logged once.
 */
@Sharable
final class StreamTailHandler extends ChannelInboundHandlerAdapter {
    static final StreamTailHandler INSTANCE = new StreamTailHandler();
    private static final Logger log = LoggerFactory.getLogger(StreamTailHandler.class);

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);   // a service that ignores input need not release it
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("{}: {}", ctx.channel(), cause.toString());
        } else {
            log.error("{}: unexpected error, connection closed", ctx.channel(), cause);
        }
        ctx.close();
    }
}
