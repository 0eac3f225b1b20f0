package dev.portd.load;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.function.Supplier;

/**
 * The client side of the I/O transport: Linux's native epoll where it loads, Java NIO elsewhere
 * (the host's {@code Transport} is the server side; a load generator needs client channels).
 */
record ClientTransport(String name, Supplier<IoHandlerFactory> ioHandler,
                       Class<? extends SocketChannel> socketChannel,
                       Class<? extends DatagramChannel> datagramChannel) {

    static ClientTransport choose() {
        if (Epoll.isAvailable()) {
            return new ClientTransport("epoll", EpollIoHandler::newFactory, EpollSocketChannel.class,
                    EpollDatagramChannel.class);
        }
        return new ClientTransport("nio", NioIoHandler::newFactory, NioSocketChannel.class,
                NioDatagramChannel.class);
    }

    boolean isEpoll() {
        return name.equals("epoll");
    }
}
