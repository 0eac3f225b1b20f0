package dev.portd.service.classic;

import dev.portd.service.ReadPacing;
import dev.portd.service.Service;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;

/**
 * Echo (RFC 862): TCP sends back everything it receives until the client closes; UDP answers each
 * datagram with the same data.
 */
public final class EchoService implements Service {

    @Override
    public void initStream(Channel connection) {
        connection.pipeline().addLast(EchoStreamHandler.INSTANCE);
    }

    @Override
    public void initDatagram(Channel socket) {
        socket.pipeline().addLast(EchoDatagramHandler.INSTANCE);
    }

    /**
     * Writes each received buffer back as it is, without a copy. Reading stops while the peer is
     * not reading our replies (the channel is not writable), so a client that only sends cannot
     * make us buffer without bound.
     */
    @Sharable
    static final class EchoStreamHandler extends ChannelInboundHandlerAdapter {
        static final EchoStreamHandler INSTANCE = new EchoStreamHandler();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
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

    /** Answers each datagram with its own bytes, to its sender. */
    @Sharable
    static final class EchoDatagramHandler extends SimpleChannelInboundHandler<DatagramPacket> {
        static final EchoDatagramHandler INSTANCE = new EchoDatagramHandler();

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ctx.write(new DatagramPacket(packet.content().retain(), packet.sender()), ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }
}
