package dev.portd.host;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portd.service.HostView.Reload;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running portd's control socket: AF_UNIX, mode 0600, answering only its own user (checked by
 * SO_PEERCRED on every connection). One command per line, one JSON line back:
 * <pre>
 * reload   re-read the config and apply it: {"applied":true,"summary":"...","lines":[...],"at":"..."}
 * upgrade  hand the listening sockets to the caller ({@code serve --upgrade}): a JSON line naming
 *          each socket, then, on "send", the sockets themselves (SCM_RIGHTS), then, on "drain",
 *          this process stops accepting, closes this socket and drains ({@link Actions#upgraded()})
 * </pre>
 */
public final class ControlSocket implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlSocket.class);
    static final ObjectMapper JSON = new ObjectMapper();
    /** A command is one short word; a longer line is not ours. */
    private static final int MAX_LINE = 64;
    /** stat(2)'s file type bits and the type of a socket. */
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    /** What the commands do in the serving process. */
    public interface Actions {
        /** Re-reads the config and reloads; never throws for a bad config (the result says). */
        Reload reload();

        /** A new process serves the handed-over sockets: stop accepting, drain and exit 0. */
        void upgraded();
    }

    private final Path path;
    private final EventLoopGroup group;
    private final ExecutorService worker;
    private Channel server;

    private ControlSocket(Path path, EventLoopGroup group, ExecutorService worker) {
        this.path = path;
        this.group = group;
        this.worker = worker;
    }

    /**
     * Listens on {@code path} (its directory made if missing), replacing a stale socket file left by a
     * portd that died; refuses when a live portd answers there.
     *
     * @throws IOException with a message that says what to do
     */
    public static ControlSocket open(Path path, Host host, Actions actions) throws IOException {
        if (!Epoll.isAvailable()) {
            throw new IOException("needs Linux epoll (AF_UNIX with peer credentials)");
        }
        Path dir = path.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IOException(dir + " cannot be made (" + e.getMessage() + "); run as root, or set "
                    + "host.control_socket to a path this user may write, e.g. \"/tmp/portd-$USER.sock\", or \"\" for none");
        }
        if (!Files.isWritable(dir)) {
            throw new IOException(dir + " is not writable by this user; run as root, or set host.control_socket to "
                    + "a path this user may write, e.g. \"" + System.getProperty("java.io.tmpdir") + "/portd-"
                    + System.getProperty("user.name") + ".sock\", or \"\" for none");
        }
        if (Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
            if ((mode & S_IFMT) != S_IFSOCK) {
                throw new IOException("exists and is not a socket; remove it, or set host.control_socket to another path");
            }
            if (answers(path)) {
                throw new IOException("another portd listens on it; stop that one, take its sockets over with "
                        + "portd serve --upgrade, or set another host.control_socket");
            }
            Files.delete(path);   // left by a portd that did not stop cleanly
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("portd-control", true),
                EpollIoHandler.newFactory());
        ExecutorService worker = Executors.newSingleThreadExecutor(new DefaultThreadFactory("portd-control-work", true));
        long uid = ownUid();
        ControlSocket control = new ControlSocket(path, group, worker);
        try {
            control.bind(uid, host, actions);
        } catch (RuntimeException | IOException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            worker.shutdownNow();
            throw new IOException(e.getMessage(), e);
        }
        log.info("control socket {} (mode 0600, uid {} only)", path, uid);
        return control;
    }

    private void bind(long uid, Host host, Actions actions) throws IOException {
        server = new ServerBootstrap().group(group).channel(EpollServerDomainSocketChannel.class)
                .childHandler(new ChannelInitializer<EpollDomainSocketChannel>() {
                    @Override
                    protected void initChannel(EpollDomainSocketChannel ch) {
                        ch.pipeline().addLast(new LineBasedFrameDecoder(MAX_LINE),
                                new StringDecoder(StandardCharsets.UTF_8), new StringEncoder(StandardCharsets.UTF_8),
                                new ControlSession(uid, host, actions, worker));
                    }
                })
                .bind(new DomainSocketAddress(path.toFile())).syncUninterruptibly().channel();
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
    }

    /** Whether a live process accepts connections on that path. */
    static boolean answers(Path path) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static long ownUid() throws IOException {
        return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
    }

    public Path path() {
        return path;
    }

    /** Stops listening and removes the socket file; commands in progress finish. */
    @Override
    public void close() {
        if (server.isOpen()) {
            server.close().awaitUninterruptibly();
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                log.warn("control socket {}: cannot remove: {}", path, e.getMessage());
            }
        }
        worker.shutdown();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    static Map<String, Object> reloadJson(Reload r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("applied", r.applied());
        m.put("summary", r.summary());
        m.put("lines", r.lines());
        m.put("at", r.at().toString());
        return m;
    }

    /** One connection: checks the peer, then answers its commands. */
    private final class ControlSession extends SimpleChannelInboundHandler<String> {
        private final long uid;
        private final Host host;
        private final Actions actions;
        private final ExecutorService worker;
        private List<Handover.Offer> offered;
        private boolean sent;
        private boolean stranger;

        ControlSession(long uid, Host host, Actions actions, ExecutorService worker) {
            this.uid = uid;
            this.host = host;
            this.actions = actions;
            this.worker = worker;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws IOException {
            int peer = ((EpollDomainSocketChannel) ctx.channel()).peerCredentials().uid();
            if (peer != uid) {
                stranger = true;
                log.warn("control socket: refused a connection from uid {} (only uid {} may)", peer, uid);
                ctx.writeAndFlush(json(Map.of("error", "uid " + peer + " may not use this portd's control socket"))
                        + "\n").addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ctx.fireChannelActive();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String line) {
            if (stranger) {
                return;
            }
            String command = line.strip();
            switch (command) {
                case "reload" -> worker.execute(() -> {
                    Reload r = actions.reload();
                    ctx.writeAndFlush(json(reloadJson(r)) + "\n").addListener(ChannelFutureListener.CLOSE);
                });
                case "upgrade" -> worker.execute(() -> {
                    try {
                        offered = host.offer();
                    } catch (IllegalStateException e) {
                        ctx.writeAndFlush(json(Map.of("error", e.getMessage())) + "\n")
                                .addListener(ChannelFutureListener.CLOSE);
                        return;
                    }
                    log.info("upgrade: offering {} listening sockets to a new process", offered.size());
                    ctx.writeAndFlush(json(Handover.describe(offered)) + "\n");
                });
                case "send" -> {
                    if (offered == null) {
                        refuse(ctx, "send before upgrade");
                        return;
                    }
                    for (Handover.Offer o : offered) {
                        ctx.write(o.fd());
                    }
                    ctx.flush();
                    sent = true;
                }
                case "drain" -> {
                    if (!sent) {
                        refuse(ctx, "drain before send");
                        return;
                    }
                    log.info("upgrade: the new process serves; this one stops accepting and drains");
                    worker.execute(() -> {
                        server.close().awaitUninterruptibly();
                        try {
                            Files.deleteIfExists(path);
                        } catch (IOException e) {
                            log.warn("control socket {}: cannot remove: {}", path, e.getMessage());
                        }
                        ctx.writeAndFlush(json(Map.of("draining", ProcessHandle.current().pid())) + "\n")
                                .addListener(ChannelFutureListener.CLOSE)
                                .addListener(f -> actions.upgraded());
                    });
                }
                default -> refuse(ctx, "unknown command \"" + (command.length() > 20 ? command.substring(0, 20) + "..."
                        : command) + "\"; use reload or upgrade");
            }
        }

        private void refuse(ChannelHandlerContext ctx, String why) {
            ctx.writeAndFlush(json(Map.of("error", why)) + "\n").addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (offered != null && !sent || sent && server.isOpen()) {
                log.warn("upgrade: the new process went away before it served; this one goes on serving");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof io.netty.handler.codec.TooLongFrameException) {
                refuse(ctx, "line too long; commands are one short word");
                return;
            }
            log.warn("control socket: {}", cause.toString());
            ctx.close();
        }
    }
}
