package dev.portd.host;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.channel.epoll.AbstractEpollServerChannel;
import io.netty.channel.epoll.EpollChannelConfig;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.Map;

/**
 * An epoll TCP listener that can answer an accepted socket itself, before Netty builds a channel for
 * it: the host serves a one-reply service (daytime, time, qotd) by accept, write and close, as a C
 * server would ({@link OneReplyAnswerer}), instead of a channel object, a pipeline, an epoll
 * registration and a close through it. A socket the {@link Answerer} leaves alone becomes an ordinary
 * child channel. Netty's EpollServerSocketChannel is final, hence this subclass of its public parent,
 * with a config that knows the two options the host sets on listeners.
 */
final class AnsweringServerChannel extends AbstractEpollServerChannel {
    /** Decides, for each accepted socket, whether it has been served already. */
    interface Answerer {
        /**
         * Serves the socket {@code fd} from the peer whose address Netty's accept left in
         * {@code address} (from {@code offset}, {@code length} bytes), on {@code loop}; true when it
         * took the socket (answered and closed it, or handed it to a channel of its own).
         */
        boolean answer(EventLoop loop, int fd, byte[] address, int offset, int length);
    }

    private final Answerer answerer;
    private final Config config = new Config(this);

    /** A new listening socket, bound when the bootstrap binds it. */
    AnsweringServerChannel(Answerer answerer) {
        super(LinuxSocket.newSocketStream(), false);
        this.answerer = answerer;
        pipeline().addFirst(DropAnswered.INSTANCE);
    }

    /** A socket already bound and listening, passed to this process (systemd, an upgrade). */
    AnsweringServerChannel(int fd, Answerer answerer) {
        super(LinuxSocket.newSocket(fd), true);
        this.answerer = answerer;
        pipeline().addFirst(DropAnswered.INSTANCE);
    }

    @Override
    public EpollChannelConfig config() {
        return config;
    }

    @Override
    protected void doBind(SocketAddress local) throws Exception {
        super.doBind(local);
        socket.listen(config.backlog);
        active = true;   // channelActive follows, and its read() adds the socket to epoll
    }

    /**
     * A socket the answerer took yields this listener itself instead of a child: the first handler of
     * its pipeline drops it, so Netty's acceptor never sees it.
     */
    @Override
    protected Channel newChildChannel(int fd, byte[] address, int offset, int length) throws Exception {
        if (answerer.answer(eventLoop(), fd, address, offset, length)) {
            return this;
        }
        EpollSocketChannel child = new EpollSocketChannel(fd);
        if (!child.isActive()) {   // reset between accept and now: nothing to serve
            child.unsafe().closeForcibly();
            return this;
        }
        return child;
    }

    @Sharable
    private static final class DropAnswered extends ChannelInboundHandlerAdapter {
        static final DropAnswered INSTANCE = new DropAnswered();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg != ctx.channel()) {
                ctx.fireChannelRead(msg);
            }
        }
    }

    /** The listener options the host sets: the backlog (used by bind) and SO_REUSEADDR. */
    private static final class Config extends EpollChannelConfig {
        private volatile int backlog = NetUtil.SOMAXCONN;

        Config(AnsweringServerChannel channel) {
            super(channel, new ServerChannelRecvByteBufAllocator());
        }

        @Override
        public Map<ChannelOption<?>, Object> getOptions() {
            return getOptions(super.getOptions(), ChannelOption.SO_BACKLOG, ChannelOption.SO_REUSEADDR);
        }

        @SuppressWarnings("unchecked")
        @Override
        public <T> T getOption(ChannelOption<T> option) {
            if (option == ChannelOption.SO_BACKLOG) {
                return (T) Integer.valueOf(backlog);
            }
            if (option == ChannelOption.SO_REUSEADDR) {
                try {
                    return (T) Boolean.valueOf(socket().isReuseAddress());
                } catch (IOException e) {
                    throw new ChannelException(e);
                }
            }
            return super.getOption(option);
        }

        @Override
        public <T> boolean setOption(ChannelOption<T> option, T value) {
            validate(option, value);
            if (option == ChannelOption.SO_BACKLOG) {
                backlog = (Integer) value;
                return true;
            }
            if (option == ChannelOption.SO_REUSEADDR) {
                try {
                    socket().setReuseAddress((Boolean) value);
                } catch (IOException e) {
                    throw new ChannelException(e);
                }
                return true;
            }
            return super.setOption(option, value);
        }
    }
}
