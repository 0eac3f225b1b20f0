package dev.portd.host;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits a connection if the service has room for it ({@code max_connections}, {@code per_source})
 * and the host's fd budget has one for its listener ({@link FdBudget}), else closes it at once and
 * counts it; an admitted connection gives its slot back when it closes.
 */
final class ConnectionLimitHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectionLimitHandler.class);
    private final String label;
    private final ConnectionGate gate;
    private final ServiceStats stats;
    private final RefusalLog refusals;
    private final FdBudget.Account fds;
    private InetAddress source;   // set once admitted
    private long openedNanos;

    ConnectionLimitHandler(String label, ConnectionGate gate, ServiceStats stats, RefusalLog refusals,
                           FdBudget.Account fds) {
        this.label = label;
        this.fds = fds;
        this.gate = gate;
        this.stats = stats;
        this.refusals = refusals;
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
        openedNanos = System.nanoTime();
        stats.open.incrementAndGet();
        stats.total.increment();
        log.debug("{}: connection from {}", label, ctx.channel().remoteAddress());
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (source != null) {
            gate.release(source);
            fds.release();
            stats.open.decrementAndGet();
            log.debug("{}: {} closed after {} ms", label, ctx.channel().remoteAddress(),
                    (System.nanoTime() - openedNanos) / 1_000_000);
            source = null;
        }
        ctx.fireChannelInactive();
    }
}
