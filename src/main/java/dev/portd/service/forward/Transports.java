package dev.portd.service.forward;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringSocketChannel;

/**
 * The client channel classes of the transport a host channel runs on, so an upstream connection
 * shares the accepted connection's event loop (no hand-off between threads).
 */
final class Transports {
    private Transports() {
    }

    /** A new, unregistered TCP client channel of the transport {@code c} runs on. */
    static Channel newSocket(Channel c) {
        if (c instanceof EpollSocketChannel || c instanceof EpollDatagramChannel) {
            return new EpollSocketChannel();
        }
        if (c instanceof IoUringSocketChannel || c instanceof IoUringDatagramChannel) {
            return new IoUringSocketChannel();
        }
        return new NioSocketChannel();
    }

    static Class<? extends Channel> datagramOf(Channel c) {
        if (c instanceof EpollSocketChannel || c instanceof EpollDatagramChannel) {
            return EpollDatagramChannel.class;
        }
        if (c instanceof IoUringSocketChannel || c instanceof IoUringDatagramChannel) {
            return IoUringDatagramChannel.class;
        }
        return NioDatagramChannel.class;
    }
}
