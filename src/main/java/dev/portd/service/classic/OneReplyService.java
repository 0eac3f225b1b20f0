package dev.portd.service.classic;

import dev.portd.service.Service;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;

/**
 * The shape shared by daytime, time and qotd (RFC 867, 868, 865): on TCP, send one reply as soon as
 * the client connects, ignore its input and close; on UDP, answer every datagram with one reply.
 */
abstract class OneReplyService implements Service {

    /** The reply for one connection or datagram, freshly allocated. */
    abstract ByteBuf reply(ByteBufAllocator alloc);

    @Override
    public void initStream(Channel connection) {
        connection.pipeline().addLast(new ReplyThenClose());
    }

    @Override
    public void initDatagram(Channel socket) {
        socket.pipeline().addLast(new ReplyPerDatagram());
    }

    @Sharable
    private final class ReplyThenClose extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(reply(ctx.alloc())).addListener(ChannelFutureListener.CLOSE);
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }

    @Sharable
    private final class ReplyPerDatagram extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ctx.write(new DatagramPacket(reply(ctx.alloc()), packet.sender()), ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }
}
