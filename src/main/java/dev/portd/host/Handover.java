package dev.portd.host;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portd.ports.Protocol;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.FileDescriptor;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The new process's side of a hitless upgrade ({@code portd serve --upgrade}), as HAProxy's
 * {@code -x}: connect to the running portd's control socket, learn what each of its listening
 * sockets serves, receive the sockets themselves (SCM_RIGHTS), serve on them
 * ({@link Host#start(dev.portd.config.HostConfig, java.time.Clock, Handover)}), then {@link #finish()}
 * tells the old process to stop accepting and drain. Until then the old process serves as before;
 * {@link #close()} without finish() leaves it so.
 *
 * <pre>{@code
 * try (Handover handover = Handover.receive(Path.of("/run/portd/control.sock"), Duration.ofSeconds(10))) {
 *     Host host = Host.start(config, Clock.systemDefaultZone(), handover);
 *     handover.finish();
 * }
 * }</pre>
 */
public final class Handover implements AutoCloseable {
    /** One listening socket offered by the old process. */
    record Offer(String service, Protocol protocol, InetSocketAddress address, FileDescriptor fd) {
    }

    /** The largest description line: a few hundred listeners. */
    private static final int MAX_LINE = 1 << 20;

    private final EventLoopGroup group;
    private final Channel channel;
    private final BlockingQueue<Object> inbox;
    private final InheritedSockets sockets;
    private final long oldPid;
    private final Duration timeout;
    private boolean finished;

    private Handover(EventLoopGroup group, Channel channel, BlockingQueue<Object> inbox, InheritedSockets sockets,
                     long oldPid, Duration timeout) {
        this.group = group;
        this.channel = channel;
        this.inbox = inbox;
        this.sockets = sockets;
        this.oldPid = oldPid;
        this.timeout = timeout;
    }

    /** What the old process says about its sockets, in the order it then sends them. */
    static Map<String, Object> describe(List<Offer> offers) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Offer o : offers) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("service", o.service());
            m.put("protocol", o.protocol().label());
            m.put("address", NetUtil.toAddressString(o.address().getAddress()));
            m.put("port", o.address().getPort());
            list.add(m);
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("pid", ProcessHandle.current().pid());
        d.put("listeners", list);
        return d;
    }

    /**
     * Receives every listening socket of the portd on that control socket.
     *
     * @throws IOException no portd there, it refused, or it did not hand over in time: nothing changed
     */
    public static Handover receive(Path control, Duration timeout) throws IOException {
        if (!Epoll.isAvailable()) {
            throw new IOException("serve --upgrade needs Linux epoll");
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("portd-upgrade", true),
                EpollIoHandler.newFactory());
        BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
        Channel ch = null;
        List<FileDescriptor> received = new ArrayList<>();
        try {
            var connect = new Bootstrap().group(group).channel(EpollDomainSocketChannel.class)
                    .handler(new io.netty.channel.ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel c) {
                            c.pipeline().addLast(new LineBasedFrameDecoder(MAX_LINE),
                                    new StringDecoder(StandardCharsets.UTF_8), new Inbox(inbox));
                        }
                    })
                    .connect(new DomainSocketAddress(control.toFile()));
            if (!connect.awaitUninterruptibly(timeout.toMillis()) || !connect.isSuccess()) {
                throw new IOException("no portd answers on " + control + ": "
                        + (connect.cause() == null ? "timed out" : connect.cause().getMessage())
                        + "; start one with portd serve, or give its host.control_socket");
            }
            ch = connect.channel();
            ch.writeAndFlush(ascii("upgrade\n"));
            JsonNode offer = ControlSocket.JSON.readTree(line(inbox, timeout, "the list of sockets"));
            if (offer.has("error")) {
                throw new IOException("the running portd refused: " + offer.get("error").asText());
            }
            JsonNode listeners = offer.path("listeners");
            EpollDomainSocketChannel domain = (EpollDomainSocketChannel) ch;
            ch.eventLoop().submit(() -> domain.config().setReadMode(DomainSocketReadMode.FILE_DESCRIPTORS))
                    .syncUninterruptibly();
            ch.writeAndFlush(ascii("send\n"));
            for (int i = 0; i < listeners.size(); i++) {
                received.add((FileDescriptor) next(inbox, timeout, "socket " + (i + 1) + " of " + listeners.size()));
            }
            ch.eventLoop().submit(() -> domain.config().setReadMode(DomainSocketReadMode.BYTES)).syncUninterruptibly();
            List<InheritedSockets.Inherited> sockets = new ArrayList<>();
            for (int i = 0; i < listeners.size(); i++) {
                JsonNode l = listeners.get(i);
                sockets.add(new InheritedSockets.Inherited(received.get(i).intValue(),
                        Protocol.valueOf(l.path("protocol").asText().toUpperCase(java.util.Locale.ROOT)),
                        new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(l.path("address").asText()),
                                l.path("port").asInt()), l.path("service").asText()));
            }
            long pid = offer.path("pid").asLong();
            return new Handover(group, ch, inbox, new InheritedSockets(sockets, "the previous portd (pid " + pid + ")"),
                    pid, timeout);
        } catch (IOException | RuntimeException e) {
            for (FileDescriptor fd : received) {
                fd.close();
            }
            if (ch != null) {
                ch.close().awaitUninterruptibly();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    private static io.netty.buffer.ByteBuf ascii(String text) {
        return io.netty.buffer.Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }

    private static Object next(BlockingQueue<Object> inbox, Duration timeout, String what) throws IOException {
        Object o;
        try {
            o = inbox.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for " + what);
        }
        if (o == null) {
            throw new IOException("the running portd did not send " + what + " within " + timeout.toSeconds() + " s");
        }
        if (o instanceof Throwable t) {
            throw new IOException("waiting for " + what + ": " + t.getMessage());
        }
        if (o == Inbox.CLOSED) {
            throw new IOException("the running portd closed the control connection before it sent " + what);
        }
        return o;
    }

    private static String line(BlockingQueue<Object> inbox, Duration timeout, String what) throws IOException {
        Object o = next(inbox, timeout, what);
        if (!(o instanceof String s)) {
            throw new IOException("expected a line with " + what + ", got " + o);
        }
        return s;
    }

    InheritedSockets sockets() {
        return sockets;
    }

    void closeUnused(InheritedSockets.Inherited unused) {
        try {
            new FileDescriptor(unused.fd()).close();
        } catch (IOException e) {
            // already closed: nothing to give back
        }
    }

    /** The pid of the process that handed its sockets over. */
    public long oldPid() {
        return oldPid;
    }

    /**
     * Tells the old process that this one serves: it stops accepting, gives up the control socket
     * (this process may bind it on return) and drains its open connections.
     * <p>
     * Call it only once this process accepts on every handed-over socket (Host.start has registered
     * them): until the old process closes its copies both accept on the same sockets, so no moment
     * is without an acceptor. A connection still waiting in a socket's accept queue when the old
     * process closes its copy stays there for this one: the queue belongs to the socket, which
     * lives while either process holds it, and a close is not a shutdown(2) (HandoverBacklogTest).
     */
    public void finish() throws IOException {
        channel.writeAndFlush(ascii("drain\n"));
        JsonNode reply = ControlSocket.JSON.readTree(line(inbox, timeout, "its answer to drain"));
        if (!reply.has("draining")) {
            throw new IOException("the previous portd answered drain with " + reply);
        }
        finished = true;
    }

    /** Ends the hand-over; without {@link #finish()} first, the old process keeps serving. */
    @Override
    public void close() {
        if (!finished) {
            for (InheritedSockets.Inherited unused : sockets.unused()) {
                closeUnused(unused);
            }
        }
        channel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** Queues what the control connection brings: lines, file descriptors, its end. */
    private static final class Inbox extends ChannelInboundHandlerAdapter {
        static final Object CLOSED = new Object();
        private final BlockingQueue<Object> inbox;

        Inbox(BlockingQueue<Object> inbox) {
            this.inbox = inbox;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            inbox.add(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            inbox.add(CLOSED);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            inbox.add(cause);
            ctx.close();
        }
    }
}
