package dev.portd.host;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portd.config.Limits;
import dev.portd.ports.Cidr;
import dev.portd.service.OneReply;
import dev.portd.support.Tcp;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A one-reply service answered at accept, on a real epoll listener: the reply, the host's limits and
 * counters as on the pipeline path, a reply the socket takes only in part, a socket passed in, and a
 * socket the answerer leaves to an ordinary child channel.
 */
class OneReplyAnswererTest {
    static final byte[] REPLY = "Sunday, November 29, 2026 05:19:27 UTC\r\n".getBytes(US_ASCII);
    /** As the classic services keep it: direct, written from its address without a copy. */
    static final ByteBuf DIRECT = Unpooled.unreleasableBuffer(Unpooled.directBuffer(REPLY.length).writeBytes(REPLY));
    static final OneReply SERVICE = DIRECT::duplicate;
    static final InetAddress ELSEWHERE = address("10.0.0.1");

    static EventLoopGroup loops;

    final ServiceStats stats = new ServiceStats();
    final FdBudget budget = new FdBudget();
    final ChannelGroup hostConnections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    final ChannelGroup serviceConnections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    final AtomicBoolean closing = new AtomicBoolean();
    Channel listener;

    @BeforeAll
    static void loops() {
        Epoll.ensureAvailability();
        loops = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    @AfterAll
    static void stopLoops() {
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @AfterEach
    void closeListener() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        hostConnections.close().syncUninterruptibly();
    }

    static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    OneReplyAnswerer answerer(Limits limits, ConnectionGate gate, OneReplyAnswerer.Send send) {
        Admission admission = new Admission("tcp/13 test", limits, stats, gate, budget.account(), new RefusalLog());
        return new OneReplyAnswerer(admission, stats, SERVICE, hostConnections, serviceConnections, closing::get, send);
    }

    /** Whether a connection from elsewhere would be admitted now (the slot taken to see is given back). */
    static boolean slotFree(ConnectionGate gate) {
        if (gate.tryAcquire(ELSEWHERE) != null) {
            return false;
        }
        gate.release(ELSEWHERE);
        return true;
    }

    int listen(AnsweringServerChannel.Answerer answerer) {
        return listen(() -> new AnsweringServerChannel(answerer));
    }

    int listen(ChannelFactory<ServerChannel> channel) {
        ServerBootstrap b = new ServerBootstrap().group(loops).channelFactory(channel)
                .childHandler(new ChannelInboundHandlerAdapter() {   // a socket left to a child channel
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        ctx.writeAndFlush(Unpooled.copiedBuffer("child\r\n", US_ASCII)).addListener(ChannelFutureListener.CLOSE);
                    }
                });
        listener = b.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .syncUninterruptibly().channel();
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    int listen(OneReplyAnswerer answerer) {
        return listen((loop, fd, address, offset, length) -> answerer.answer(loop, fd, address, offset, length));
    }

    @Test
    void theReplyIsSentAtAcceptAndCountedAndTheSlotsComeBack() throws Exception {
        ConnectionGate gate = new ConnectionGate(1, 1);
        int port = listen(answerer(Limits.DEFAULT, gate, OneReplyAnswerer::write));
        for (int i = 0; i < 3; i++) {   // max_connections = 1: each connection gave its slot back
            assertThat(Tcp.readAll(port)).isEqualTo(REPLY);
        }
        assertThat(stats.totalConnections()).isEqualTo(3);
        assertThat(stats.bytesOut()).isEqualTo(3L * REPLY.length);
        assertThat(stats.openConnections()).isZero();
        assertThat(stats.refused()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> slotFree(gate));   // given back just after the close the client saw
    }

    @Test
    void aConnectionPastMaxConnectionsIsClosedUnansweredAndCounted() throws Exception {
        ConnectionGate gate = new ConnectionGate(1, 0);
        assertThat(gate.tryAcquire(ELSEWHERE)).isNull();   // a connection of the service still open
        int port = listen(answerer(Limits.DEFAULT, gate, OneReplyAnswerer::write));
        assertThat(Tcp.readAll(port)).isEmpty();
        assertThat(stats.refusedByReason()).isEqualTo(java.util.Map.of("max_connections", 1L));
        assertThat(stats.totalConnections()).isZero();
        gate.release(ELSEWHERE);
        assertThat(Tcp.readAll(port)).isEqualTo(REPLY);
    }

    @Test
    void aConnectionPastPerSourceIsClosedUnansweredAndCounted() throws Exception {
        ConnectionGate gate = new ConnectionGate(0, 1);
        assertThat(gate.tryAcquire(InetAddress.getLoopbackAddress())).isNull();
        int port = listen(answerer(Limits.DEFAULT, gate, OneReplyAnswerer::write));
        assertThat(Tcp.readAll(port)).isEmpty();
        assertThat(stats.refusedByReason()).isEqualTo(java.util.Map.of("per_source", 1L));
    }

    @Test
    void aDeniedPeerIsClosedUnansweredAndCounted() throws Exception {
        Limits deny = new Limits(0, 0, Duration.ZERO, List.of(), List.of(Cidr.parse("127.0.0.0/8")), 0);
        int port = listen(answerer(deny, new ConnectionGate(0, 0), OneReplyAnswerer::write));
        assertThat(Tcp.readAll(port)).isEmpty();
        assertThat(stats.refusedByReason()).isEqualTo(java.util.Map.of("denied", 1L));
        assertThat(stats.totalConnections()).isZero();
    }

    @Test
    void aConnectionPastTheFdBudgetIsClosedUnansweredAndCounted() throws Exception {
        budget.share(100 + FdBudget.FILES_HEADROOM, 100, 1);   // nothing left: no reserve, no pool
        int port = listen(answerer(Limits.DEFAULT, new ConnectionGate(0, 0), OneReplyAnswerer::write));
        assertThat(Tcp.readAll(port)).isEmpty();
        assertThat(stats.refusedByReason()).isEqualTo(java.util.Map.of("fd budget", 1L));
    }

    @Test
    void aSocketAcceptedWhileTheHostStopsIsClosedUnanswered() throws Exception {
        closing.set(true);
        int port = listen(answerer(Limits.DEFAULT, new ConnectionGate(0, 0), OneReplyAnswerer::write));
        assertThat(Tcp.readAll(port)).isEmpty();
        assertThat(stats.totalConnections()).isZero();
        assertThat(stats.refused()).isZero();
    }

    @Test
    void whatTheFirstWriteLeavesIsSentByAChannelThatHoldsTheSlotsUntilItCloses() throws Exception {
        ConnectionGate gate = new ConnectionGate(1, 0);
        OneReplyAnswerer.Send partly = (socket, reply) -> OneReplyAnswerer.write(socket, reply.slice(reply.readerIndex(), 5));
        int port = listen(answerer(Limits.DEFAULT, gate, partly));
        assertThat(Tcp.readAll(port)).isEqualTo(REPLY);
        await().atMost(Duration.ofSeconds(5)).until(() -> stats.openConnections() == 0 && hostConnections.isEmpty());
        await().atMost(Duration.ofSeconds(5)).until(() -> slotFree(gate));
        assertThat(stats.totalConnections()).isEqualTo(1);
        assertThat(stats.bytesOut()).isEqualTo(REPLY.length);
    }

    @Test
    void aReplyTheSocketTakesNothingOfAtFirstIsSentWhole() throws Exception {
        OneReplyAnswerer.Send none = (socket, reply) -> 0;
        int port = listen(answerer(Limits.DEFAULT, new ConnectionGate(0, 0), none));
        assertThat(Tcp.readAll(port)).isEqualTo(REPLY);
        await().atMost(Duration.ofSeconds(5)).until(() -> stats.openConnections() == 0);
    }

    @Test
    void aHeapReplyIsNotWrittenAtAcceptButByAChannel() throws Exception {
        ByteBuf heap = Unpooled.wrappedBuffer(REPLY);
        assertThat(OneReplyAnswerer.write(null, heap)).isZero();
    }

    @Test
    void aSocketTheAnswererLeavesBecomesAChildChannel() throws Exception {
        int port = listen((loop, fd, address, offset, length) -> false);
        assertThat(new String(Tcp.readAll(port), US_ASCII)).isEqualTo("child\r\n");
    }

    @Test
    void aListeningSocketPassedInIsServedToo() throws Exception {
        LinuxSocket passed = LinuxSocket.newSocketStream(false);
        passed.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        passed.listen(16);
        int port = ((InetSocketAddress) passed.localAddress()).getPort();
        OneReplyAnswerer answerer = answerer(Limits.DEFAULT, new ConnectionGate(0, 0), OneReplyAnswerer::write);
        listener = new ServerBootstrap().group(loops)
                .channelFactory((ChannelFactory<ServerChannel>) () -> new AnsweringServerChannel(passed.intValue(),
                        (loop, fd, address, offset, length) -> answerer.answer(loop, fd, address, offset, length)))
                .childHandler(new ChannelInboundHandlerAdapter())
                .register().syncUninterruptibly().channel();
        assertThat(((InetSocketAddress) listener.localAddress()).getPort()).isEqualTo(port);
        assertThat(Tcp.readAll(port)).isEqualTo(REPLY);
    }
}
