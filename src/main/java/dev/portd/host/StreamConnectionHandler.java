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
 *       {@code per_source}) and the host's fd budget has one for its listener ({@link Admission}),
 *       else closes it at once; an admitted connection gives both back when it closes;</li>
 *   <li>counts the bytes read and written (it sees raw bytes);</li>
 *   <li>closes a connection that has neither read nor written for {@code idle_timeout}. Unlike
 *       Netty's IdleStateHandler it puts no listener on every write's promise (a write counts when
 *       the service makes it), and arms no timer for a connection the service has already closed when
 *       its channelActive returns: daytime, time and qotd answer and close at once, and arming then
 *       cancelling a timer for them was a tenth of what their connection cost. The clock is read
 *       once per batch of reads, after the service has handled it, and for a write only outside
 *       such a batch: an echo round trip reads it once, not twice (a clock read costs ~0.1 µs on a
 *       virtual machine).</li>
 * </ul>
 */
final class StreamConnectionHandler extends ChannelDuplexHandler implements Runnable, ConnectionIdle {
    private static final Logger log = LoggerFactory.getLogger(StreamConnectionHandler.class);
    private final Admission admission;
    private final ServiceStats stats;
    /** The idle timeout in ns; 0: none. */
    private final long idleNanos;
    private InetAddress source;   // set once admitted
    private long lastActivity;
    /** Between a read and the end of its batch: a write then needs no clock read of its own. */
    private boolean inReadBatch;
    private ScheduledFuture<?> idleTimer;
    /** Set when a service took the connection over and watches idleness itself. */
    private boolean idleStopped;
    private ChannelHandlerContext ctx;
    private Ticker ticker;   // the event loop's clock (a test's loop has one it can move)

    StreamConnectionHandler(Admission admission, ServiceStats stats, long idleNanos) {
        this.admission = admission;
        this.stats = stats;
        this.idleNanos = idleNanos;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (!(ctx.channel().remoteAddress() instanceof InetSocketAddress remote)) {
            ctx.close();   // reset before it was registered: io_uring then knows no peer address
            return;
        }
        InetAddress peer = remote.getAddress();
        if (!admission.acquire(peer)) {
            ctx.close();
            return;
        }
        source = peer;
        stats.open.incrementAndGet();
        stats.total.increment();
        if (log.isDebugEnabled()) {
            log.debug("{}: connection from {}", admission.label(), remote);
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
        inReadBatch = true;
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.fireChannelReadComplete();
        inReadBatch = false;
        if (idleTimer != null) {
            lastActivity = ticker.nanoTime();   // once per batch, covering the writes the service made in it
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        stats.bytesOut.add(size(msg));
        if (idleTimer != null && !inReadBatch) {
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
            admission.release(source);
            stats.open.decrementAndGet();
            log.debug("{}: {} closed", admission.label(), ctx.channel().remoteAddress());
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
