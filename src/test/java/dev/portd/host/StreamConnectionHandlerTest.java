package dev.portd.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portd.config.Limits;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The host's per-connection handler: limits, byte counts, and an idle timer only where one is needed. */
class StreamConnectionHandlerTest {
    static final long IDLE_NANOS = Duration.ofSeconds(10).toNanos();

    /** An accepted connection from 10.0.0.1, with the host's handler and then the service's. */
    static final class Connection extends EmbeddedChannel {
        Connection(ChannelHandler... handlers) {
            super(false, false, handlers);
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return new InetSocketAddress("10.0.0.1", 40000);
        }
    }

    final ServiceStats stats = new ServiceStats();
    final FdBudget budget = new FdBudget();

    StreamConnectionHandler host() {
        return new StreamConnectionHandler(new Admission("tcp/13 test", Limits.DEFAULT, stats, new ConnectionGate(0, 0),
                budget.account(), new RefusalLog()), stats, IDLE_NANOS);
    }

    static Connection open(ChannelHandler... handlers) throws Exception {
        Connection ch = new Connection(handlers);
        ch.register();
        return ch;
    }

    @Test
    void aServiceThatAnswersAndClosesAtOnceArmsNoIdleTimer() throws Exception {
        Connection ch = open(host(), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'x'})).addListener(ChannelFutureListener.CLOSE);
            }
        });
        assertThat(ch.isOpen()).isFalse();
        assertThat(ch.runScheduledPendingTasks()).as("no timer scheduled").isEqualTo(-1);
        assertThat(stats.totalConnections()).isEqualTo(1);
        assertThat(stats.bytesOut()).isEqualTo(1);
        ch.runPendingTasks();
        assertThat(stats.openConnections()).isZero();
        ch.finishAndReleaseAll();
    }

    @Test
    void anIdleConnectionIsClosedAfterTheTimeoutCountedFromItsLastActivity() throws Exception {
        Connection ch = open(host(), new ChannelInboundHandlerAdapter());
        assertThat(stats.openConnections()).isEqualTo(1);
        ch.advanceTimeBy(IDLE_NANOS / 2, TimeUnit.NANOSECONDS);
        ch.runScheduledPendingTasks();
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}));   // activity half-way
        assertThat(stats.bytesIn()).isEqualTo(3);
        ch.advanceTimeBy(IDLE_NANOS / 2, TimeUnit.NANOSECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).as("the read moved the deadline").isTrue();
        ch.advanceTimeBy(IDLE_NANOS, TimeUnit.NANOSECONDS);
        ch.runScheduledPendingTasks();
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        assertThat(stats.openConnections()).isZero();
        ch.finishAndReleaseAll();
    }

    /** A service that writes back what it reads, as echo does. */
    static ChannelInboundHandlerAdapter echo() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ctx.write(msg);
            }

            @Override
            public void channelReadComplete(ChannelHandlerContext ctx) {
                ctx.flush();
            }
        };
    }

    @Test
    void anAnswerWrittenWhileReadingMovesTheDeadlineToTheEndOfTheBatch() throws Exception {
        Connection ch = open(host(), echo());
        ch.freezeTime();
        ch.advanceTimeBy(IDLE_NANOS / 2, TimeUnit.NANOSECONDS);
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {1, 2}));
        assertThat(stats.bytesIn()).isEqualTo(2);
        assertThat(stats.bytesOut()).isEqualTo(2);
        ch.advanceTimeBy(IDLE_NANOS - 1, TimeUnit.NANOSECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).as("idle for less than the timeout since the exchange").isTrue();
        ch.advanceTimeBy(1, TimeUnit.NANOSECONDS);
        ch.runScheduledPendingTasks();
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }

    @Test
    void aWriteOutsideAReadCountsAsActivity() throws Exception {
        Connection ch = open(host(), new ChannelInboundHandlerAdapter());
        ch.freezeTime();
        ch.advanceTimeBy(IDLE_NANOS / 2, TimeUnit.NANOSECONDS);
        ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}));   // as chargen writes when writable
        assertThat(stats.bytesOut()).isEqualTo(3);
        ch.advanceTimeBy(IDLE_NANOS - 1, TimeUnit.NANOSECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isTrue();
        ch.advanceTimeBy(1, TimeUnit.NANOSECONDS);
        ch.runScheduledPendingTasks();
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }

    @Test
    void aConnectionPastTheFdBudgetIsRefusedAndCounted() throws Exception {
        budget.share(64 + 1, 1, 1);   // no fd free at all
        Connection ch = open(host(), new ChannelInboundHandlerAdapter());
        assertThat(ch.isOpen()).isFalse();
        assertThat(stats.refusedByReason()).containsEntry("fd budget", 1L);
        assertThat(stats.totalConnections()).isZero();
        ch.finishAndReleaseAll();
    }
}
