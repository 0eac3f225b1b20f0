package dev.portd.service.rpc;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The portmapper on a local stream socket ({@code /run/rpcbind.sock}), as rpcbind serves it:
 * {@code rpcinfo} without a host, and libtirpc's registrations, use it. The caller's uid comes from
 * the kernel (SO_PEERCRED), so the owner of a registration cannot be forged.
 *
 * <p>The service binds this socket itself rather than the host: the host binds IP listeners
 * for every protocol, while an AF_UNIX socket at a fixed path belongs to this one protocol's
 * contract with libtirpc, and keeping it here keeps the host free of protocol knowledge. It runs
 * on one epoll thread of its own, since the host's transport may be NIO or io_uring.
 */
final class RpcLocalSocket implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RpcLocalSocket.class);

    /**
     * The host's limits do not reach this socket, so it has its own: local clients are few (rpcinfo,
     * RPC servers registering), and a process looping on connect must not exhaust file descriptors.
     */
    static final int MAX_CONNECTIONS = 1024;
    /** A local client idle this long has forgotten its connection; rpcbind closes such ones too. */
    static final int IDLE_SECONDS = 600;

    private final Path path;
    private final EventLoopGroup group;
    private final Channel channel;

    private RpcLocalSocket(Path path, EventLoopGroup group, Channel channel) {
        this.path = path;
        this.group = group;
        this.channel = channel;
    }

    Path path() {
        return path;
    }

    /**
     * Binds the socket, or says why not and returns null: no epoll, no such directory, or another
     * process (rpcbind) answers on it. A socket file nobody answers on is left over from a crash
     * and is replaced.
     */
    static RpcLocalSocket bind(Path path, RpcDispatcher dispatcher, int maxRecordBytes) {
        if (!Epoll.isAvailable()) {
            log.info("portmapper: local socket {} not served: epoll is not available here", path);
            return null;
        }
        if (path.getParent() != null && !Files.isDirectory(path.getParent())) {
            log.info("portmapper: local socket {} not served: no directory {}", path, path.getParent());
            return null;
        }
        if (Files.exists(path)) {
            if (answers(path)) {
                log.warn("portmapper: local socket {} is held by another process (rpcbind?); serving TCP and UDP only",
                        path);
                return null;
            }
            try {
                Files.delete(path);
            } catch (IOException e) {
                log.warn("portmapper: local socket {} not served: cannot remove the stale file: {}", path, e.toString());
                return null;
            }
        }
        AtomicInteger open = new AtomicInteger();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("portd-rpc-local", true),
                EpollIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(EpollServerDomainSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (open.incrementAndGet() > MAX_CONNECTIONS) {
                            open.decrementAndGet();
                            ch.close();
                            return;
                        }
                        ch.closeFuture().addListener(f -> open.decrementAndGet());
                        ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS));
                        ch.pipeline().addLast("framing", new RpcRecordDecoder(maxRecordBytes));
                        ch.pipeline().addLast("record", RpcRecordEncoder.INSTANCE);
                        ch.pipeline().addLast("rpc", new RpcStreamHandler(dispatcher, RpcLocalSocket::caller));
                        ch.pipeline().addLast("tail", LocalTail.INSTANCE);
                    }
                });
        var future = b.bind(new DomainSocketAddress(path.toString())).awaitUninterruptibly();
        if (!future.isSuccess()) {
            log.warn("portmapper: local socket {} not served: {}", path, future.cause().toString());
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            return null;
        }
        try {
            // any user may ask, as with rpcbind; SET and UNSET record the caller's real uid
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw-rw-"));
        } catch (IOException | UnsupportedOperationException e) {
            log.warn("portmapper: cannot make {} writable by all users: {}", path, e.toString());
        }
        log.info("local {} portmapper listening", path);
        return new RpcLocalSocket(path, group, future.channel());
    }

    private static RpcCaller caller(Channel ch) {
        try {
            return RpcCaller.local(((EpollDomainSocketChannel) ch).peerCredentials().uid());
        } catch (IOException e) {
            return RpcCaller.local(-1);
        }
    }

    /** Last on a local connection: closes it when idle or on an error, which the host's tail does for TCP. */
    @Sharable
    static final class LocalTail extends ChannelInboundHandlerAdapter {
        static final LocalTail INSTANCE = new LocalTail();

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                ctx.close();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof IOException) {
                log.debug("{}: {}", ctx.channel(), cause.toString());
            } else {
                log.error("{}: unexpected error, connection closed", ctx.channel(), cause);
            }
            ctx.close();
        }
    }

    /** Whether a process accepts connections on that socket. */
    private static boolean answers(Path path) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.debug("portmapper: cannot remove {}: {}", path, e.toString());
        }
    }
}
