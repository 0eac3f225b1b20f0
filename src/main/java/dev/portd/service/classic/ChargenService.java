package dev.portd.service.classic;

import dev.portd.service.Service;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Character generator (RFC 864): TCP streams the pattern until the client closes, paced by TCP flow
 * control; UDP answers each datagram with 0 to 512 characters of the pattern, chosen at random.
 */
public final class ChargenService implements Service {
    /** RFC 864: "a random number of characters (between 0 and 512)". */
    static final int MAX_DATAGRAM_CHARS = 512;

    @Override
    public void initStream(Channel connection) {
        connection.pipeline().addLast(ChargenStreamHandler.INSTANCE);
    }

    @Override
    public void initDatagram(Channel socket) {
        socket.pipeline().addLast(ChargenDatagramHandler.INSTANCE);
    }

    /**
     * Writes shared chunks of the pattern while the channel is writable and resumes when it becomes
     * writable again, so a slow reader holds at most one high-water mark of queued bytes.
     */
    @Sharable
    static final class ChargenStreamHandler extends ChannelInboundHandlerAdapter {
        static final ChargenStreamHandler INSTANCE = new ChargenStreamHandler();

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            writeWhileWritable(ctx);
            ctx.fireChannelActive();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            writeWhileWritable(ctx);
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);   // RFC 864: input is thrown away
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                return;   // the client stopped sending, not reading: keep generating until it closes
            }
            ctx.fireUserEventTriggered(evt);
        }

        private static void writeWhileWritable(ChannelHandlerContext ctx) {
            Channel ch = ctx.channel();
            while (ch.isActive() && ch.isWritable()) {
                ctx.write(ChargenPattern.chunk()).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            }
            ctx.flush();
        }
    }

    /** One reply per datagram, 0 to 512 characters long, always starting at line 0. */
    @Sharable
    static final class ChargenDatagramHandler extends SimpleChannelInboundHandler<DatagramPacket> {
        static final ChargenDatagramHandler INSTANCE = new ChargenDatagramHandler();

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            int length = ThreadLocalRandom.current().nextInt(MAX_DATAGRAM_CHARS + 1);
            ctx.write(new DatagramPacket(ChargenPattern.prefix(length), packet.sender()), ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }
}
