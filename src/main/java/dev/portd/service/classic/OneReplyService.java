package dev.portd.service.classic;

import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;

import dev.portd.service.OneReply;
import dev.portd.service.Service;
import io.netty.buffer.ByteBuf;
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
 * On the epoll transport the host sends the TCP reply from the accept path ({@link OneReply}); the
 * pipeline below serves the other transports.
 */
abstract class OneReplyService implements Service, OneReply {

    /**
     * The reply for one connection or datagram: a buffer of its own (its indices), which may share
     * its bytes with other replies (see {@link #constant}).
     */
    @Override
    public abstract ByteBuf reply();

    /**
     * Bytes sent as they are to many clients, from any event loop: in direct memory, so the socket
     * write takes them without the copy a heap buffer costs, and unreleasable, so each reply is a
     * {@code duplicate()} (an object, no memory, no reference count to share). Allocating one small
     * buffer per connection instead made the allocator build and drop whole chunks: a tenth of a
     * daytime connection's CPU. The memory goes with the last reference (the JDK's cleaner).
     */
    static ByteBuf constant(byte[] bytes) {
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        return Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(direct));
    }

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
            ctx.writeAndFlush(reply()).addListener(ChannelFutureListener.CLOSE);
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
            ctx.write(new DatagramPacket(reply(), packet.sender()), ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }
}
