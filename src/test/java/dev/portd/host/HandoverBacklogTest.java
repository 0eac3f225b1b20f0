package dev.portd.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a hand-over relies on: both processes hold the same listening socket, so when the old one
 * closes its copy ({@link Host#stopListening()}, a Netty close) the connections waiting in the
 * socket's accept queue stay there for the new one. Were the close a shutdown(2) of the listening
 * socket, Linux would reset every one of them.
 */
class HandoverBacklogTest {
    static final int WAITING = 20;

    private interface C extends Library {
        C INSTANCE = Native.load("c", C.class);

        int dup(int fd) throws LastErrorException;
    }

    /** Echoes one byte, as a stand-in for the new process's service. */
    private static final class EchoByte extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg);
        }
    }

    private static ServerBootstrap server(EventLoopGroup group, boolean accepting) {
        return new ServerBootstrap().group(group).option(ChannelOption.AUTO_READ, accepting)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new EchoByte());
                    }
                });
    }

    @Test
    void connectionsQueuedOnTheOldCopyAreAcceptedByTheNewOneAfterTheOldCloses() throws Exception {
        assumeTrue(Epoll.isAvailable(), "hand-over needs epoll");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        List<Socket> clients = new ArrayList<>();
        try {
            // the old process's copy, not accepting, so that connections wait in the socket's queue
            Channel old = server(group, false).channel(EpollServerSocketChannel.class)
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).syncUninterruptibly().channel();
            int port = ((InetSocketAddress) old.localAddress()).getPort();
            int handed = C.INSTANCE.dup(((EpollServerSocketChannel) old).fd().intValue());   // as SCM_RIGHTS does
            for (int i = 0; i < WAITING; i++) {
                Socket s = new Socket(InetAddress.getLoopbackAddress(), port);   // the kernel completes the handshake
                s.setSoTimeout(10_000);
                s.getOutputStream().write('a' + i);
                clients.add(s);
            }
            old.close().syncUninterruptibly();

            Channel next = server(group, true)
                    .channelFactory((io.netty.channel.ChannelFactory<ServerChannel>) () -> new EpollServerSocketChannel(handed))
                    .register().syncUninterruptibly().channel();
            try {
                for (int i = 0; i < WAITING; i++) {
                    assertThat(clients.get(i).getInputStream().read()).as("queued connection %d echoed", i)
                            .isEqualTo('a' + i);
                }
            } finally {
                next.close().syncUninterruptibly();
            }
        } finally {
            for (Socket s : clients) {
                s.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
