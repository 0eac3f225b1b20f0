package dev.portd.host;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Sends empty datagrams, which Netty's datagram channels silently skip: an empty datagram echoed
 * (RFC 862) or a chargen reply of 0 characters (RFC 864) is a real reply that the client waits for.
 * On epoll it goes straight to the socket; on other transports it is skipped as before.
 */
@Sharable
final class EmptyDatagramHandler extends ChannelOutboundHandlerAdapter {
    static final EmptyDatagramHandler INSTANCE = new EmptyDatagramHandler();
    private static final ByteBuffer NOTHING = ByteBuffer.allocateDirect(0);

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof DatagramPacket packet && !packet.content().isReadable()
                && ctx.channel() instanceof EpollDatagramChannel epoll && epoll.fd() instanceof Socket socket) {
            InetSocketAddress to = packet.recipient();
            try {
                socket.sendTo(NOTHING, 0, 0, to.getAddress(), to.getPort());
                promise.trySuccess();
            } catch (IOException e) {
                promise.tryFailure(e);
            } finally {
                packet.release();
            }
            return;
        }
        ctx.write(msg, promise);
    }
}
