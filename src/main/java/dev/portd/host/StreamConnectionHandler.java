package dev.portd.host;

import dev.portd.service.ConnectionIdle;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's whole per-connection work, first in every TCP pipeline (after the access rules, when
 * there are any), in one handler so that a connection costs one context and one hop per event:
 * <ul>
 *   <li>admits the connection if the service has room for it ({@code max_connections},
 *       {@code per_source}) and the host's fd budget has one for its listener ({@link FdBudget}),
 *       else closes it at once and counts it; an admitted connection gives both back when it closes;</li>
 *   <li>counts the bytes read and written (it sees raw bytes);</li>
 *   <li>closes a connection that has neither read nor written for {@code idle_timeout}. Unlike
 *       Netty's IdleStateHandler it puts no listener on every write's promise (a write counts when
 *       the service makes it), and arms no timer for a connection the service has already closed when
 *       its channelActive returns: daytime, time and qotd answer and close at once, and arming then
 *       cancelling a timer for them was a tenth of what their connection cost.</li>
 * </ul>
 */
final class StreamConnectionHandler extends ChannelDuplexHandler implements Runnable, ConnectionIdle {
    private static final Logger log = LoggerFactory.getLogger(StreamConnectionHandler.class);
    private final String label;
    private final ConnectionGate gate;
    private final ServiceStats stats;
    private final RefusalLog refusals;
    private final FdBudget.Account fds;
    /** The idle timeout in ns; 0: none. */
    private final long idleNanos;
    private InetAddress source;   // set once admitted
    private long lastActivity;
    private ScheduledFuture<?> idleTimer;
    /** Set when a service took the connection over and watches idleness itself. */
    private boolean idleStopped;
    private ChannelHandlerContext ctx;
    private Ticker ticker;   // the event loop's clock (a test's loop has one it can move)

    StreamConnectionHandler(String label, ConnectionGate gate, ServiceStats stats, RefusalLog refusals,
                            FdBudget.Account fds, long idleNanos) {
        this.label = label;
        this.gate = gate;
        this.stats = stats;
        this.refusals = refusals;
        this.fds = fds;
        this.idleNanos = idleNanos;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (!(ctx.channel().remoteAddress() instanceof InetSocketAddress remote)) {
            ctx.close();   // reset before it was registered: io_uring then knows no peer address
            return;
        }
        InetAddress peer = remote.getAddress();
        String limit = gate.tryAcquire(peer);
        if (limit == null && !fds.tryAcquire()) {
            gate.release(peer);
            limit = "fd budget";
        }
        if (limit != null) {
            stats.refused(limit);
            refusals.refused(label, peer, limit + " reached");
            ctx.close();
            return;
        }
        source = peer;
        stats.open.incrementAndGet();
        stats.total.increment();
        if (log.isDebugEnabled()) {
            log.debug("{}: connection from {}", label, remote);
        }
        ctx.fireChannelActive();
        if (idleNanos > 0 && !idleStopped && ctx.channel().isActive()) {   // not for a service that has answered and closed
            this.ctx = ctx;
            ticker = ctx.executor().ticker();
            lastActivity = ticker.nanoTime();
            idleTimer = ctx.executor().schedule(this, idleNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        stats.bytesIn.add(size(msg));
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (idleTimer != null) {
            lastActivity = ticker.nanoTime();   // once per batch of reads
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        stats.bytesOut.add(size(msg));
        if (idleTimer != null) {
            lastActivity = ticker.nanoTime();
        }
        ctx.write(msg, promise);
    }

    /** The idle timer: closes the connection, or re-arms itself for the time left. */
    @Override
    public void run() {
        idleTimer = null;
        if (idleStopped || !ctx.channel().isOpen()) {
            return;
        }
        long idleFor = ticker.nanoTime() - lastActivity;
        if (idleFor >= idleNanos) {
            ctx.close();
        } else {
            idleTimer = ctx.executor().schedule(this, idleNanos - idleFor, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelIdleTimer();
        if (source != null) {
            gate.release(source);
            fds.release();
            stats.open.decrementAndGet();
            log.debug("{}: {} closed", label, ctx.channel().remoteAddress());
            source = null;
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelIdleTimer();
    }

    @Override
    public long idleTimeoutMillis() {
        return TimeUnit.NANOSECONDS.toMillis(idleNanos);
    }

    @Override
    public void stopIdleTimer() {
        idleStopped = true;
        cancelIdleTimer();
    }

    private void cancelIdleTimer() {
        if (idleTimer != null) {
            idleTimer.cancel(false);
            idleTimer = null;
        }
    }

    static long size(Object msg) {
        if (msg instanceof ByteBuf buf) {
            return buf.readableBytes();
        }
        if (msg instanceof ByteBufHolder holder) {
            return holder.content().readableBytes();
        }
        if (msg instanceof FileRegion region) {
            return region.count();
        }
        return 0;
    }
}
