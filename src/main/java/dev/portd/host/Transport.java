package dev.portd.host;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import java.util.function.Supplier;

/**
 * The I/O transport, chosen once at start: Linux's native epoll when it loads, io_uring when asked
 * for and available, Java NIO everywhere else.
 */
record Transport(String name, Supplier<IoHandlerFactory> ioHandler,
                 Class<? extends ServerChannel> serverChannel,
                 Class<? extends DatagramChannel> datagramChannel) {

    static final Transport NIO = new Transport("nio", NioIoHandler::newFactory,
            NioServerSocketChannel.class, NioDatagramChannel.class);

    /**
     * The transport for a config's {@code transport} value. {@code auto} takes epoll where it works
     * (io_uring stays opt-in: it is younger, and some kernels and sandboxes forbid it).
     */
    static Transport choose(String wanted) {
        return switch (wanted) {
            case "nio" -> NIO;
            case "epoll" -> epoll();
            case "io_uring" -> ioUring();
            default -> Epoll.isAvailable() ? epoll() : NIO;
        };
    }

    private static Transport epoll() {
        if (!Epoll.isAvailable()) {
            throw new TransportUnavailableException("epoll", Epoll.unavailabilityCause());
        }
        return new Transport("epoll", EpollIoHandler::newFactory,
                EpollServerSocketChannel.class, EpollDatagramChannel.class);
    }

    private static Transport ioUring() {
        if (!IoUring.isAvailable()) {
            throw new TransportUnavailableException("io_uring", IoUring.unavailabilityCause());
        }
        return new Transport("io_uring", IoUringIoHandler::newFactory,
                IoUringServerSocketChannel.class, IoUringDatagramChannel.class);
    }

    /** The transport named in the config cannot be used on this machine. */
    static final class TransportUnavailableException extends RuntimeException {
        TransportUnavailableException(String name, Throwable cause) {
            super("transport " + name + " is not available here (" + cause.getMessage()
                    + "); use transport = \"auto\" or \"nio\"", cause);
        }
    }
}
