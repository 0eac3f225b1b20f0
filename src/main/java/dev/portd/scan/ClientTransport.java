package dev.portd.scan;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringSocketChannel;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.channels.spi.SelectorProvider;
import java.util.function.Function;

/**
 * The transport for outgoing connections, chosen as the host chooses its own (host/Transport):
 * Linux's native epoll where it loads, Java NIO elsewhere, io_uring when asked for and available.
 */
record ClientTransport(String name, IoHandlerFactory ioHandler,
                       Function<SocketProtocolFamily, SocketChannel> channels) {

    /**
     * A new unregistered channel of the target's family: an IPv4 socket for an IPv4 target, not a
     * dual-stack IPv6 one, which costs the kernel more per connect.
     */
    SocketChannel open(InetAddress target) {
        return channels.apply(target instanceof Inet4Address ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6);
    }

    /** {@code auto}, {@code epoll}, {@code io_uring} or {@code nio}; throws IllegalArgumentException if unusable. */
    static ClientTransport choose(String wanted) {
        try {
            switch (wanted) {
                case "nio":
                    return nio();
                case "io_uring":
                    if (!IoUring.isAvailable()) {
                        throw new IllegalArgumentException("io_uring is not available here: "
                                + IoUring.unavailabilityCause().getMessage());
                    }
                    return new ClientTransport("io_uring", IoUringIoHandler.newFactory(), family -> new IoUringSocketChannel());
                case "epoll":
                    if (!Epoll.isAvailable()) {
                        throw new IllegalArgumentException("epoll is not available here: "
                                + Epoll.unavailabilityCause().getMessage());
                    }
                    return epoll();
                case "auto":
                    return Epoll.isAvailable() ? epoll() : nio();
                default:
                    throw new IllegalArgumentException("transport " + wanted + ": give auto, epoll, io_uring or nio");
            }
        } catch (LinkageError e) {
            if (wanted.equals("auto")) {
                return nio();   // no native library for this platform
            }
            throw new IllegalArgumentException(wanted + " is not available here: " + e.getMessage(), e);
        }
    }

    static ClientTransport choose() {
        return choose("auto");
    }

    private static ClientTransport epoll() {
        return new ClientTransport("epoll", EpollIoHandler.newFactory(), EpollSocketChannel::new);
    }

    private static ClientTransport nio() {
        return new ClientTransport("nio", NioIoHandler.newFactory(),
                family -> new NioSocketChannel(SelectorProvider.provider(), family));
    }
}
