package dev.portd.service.rpc;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
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
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("portd-rpc-local", true),
                EpollIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(EpollServerDomainSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast("framing", new RpcRecordDecoder(maxRecordBytes));
                        ch.pipeline().addLast("record", RpcRecordEncoder.INSTANCE);
                        ch.pipeline().addLast("rpc", new RpcStreamHandler(dispatcher, RpcLocalSocket::caller));
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
