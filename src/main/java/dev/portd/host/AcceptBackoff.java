package dev.portd.host;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In a TCP listener's own pipeline: when accept fails because the process or the system is out of
 * file descriptors (EMFILE, ENFILE), the listener stops accepting for {@link #PAUSE_MILLIS} instead
 * of spinning on a connection it cannot take, and the pause is counted. The kernel keeps the waiting
 * connections in the backlog meanwhile. One line a second at most is logged for all listeners, with
 * the number of pauses it stands for; Netty's own handling (a warning per failure and a pause of a
 * whole second) is not reached.
 */
final class AcceptBackoff extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(AcceptBackoff.class);
    static final long PAUSE_MILLIS = 100;
    private static final long LOG_INTERVAL_NANOS = 1_000_000_000L;
    /** Shared by every listener of the process: the log line is about the process's fds. */
    private static final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);
    private static final AtomicLong unlogged = new AtomicLong();

    private final String label;
    private final ServiceStats stats;

    AcceptBackoff(String label, ServiceStats stats) {
        this.label = label;
        this.stats = stats;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!outOfDescriptors(cause)) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        stats.acceptPauses.increment();
        Channel listener = ctx.channel();
        if (listener.config().isAutoRead()) {
            listener.config().setAutoRead(false);
            ctx.executor().schedule(() -> {
                if (listener.isOpen()) {
                    listener.config().setAutoRead(true);
                }
            }, PAUSE_MILLIS, TimeUnit.MILLISECONDS);
        }
        long pauses = unlogged.incrementAndGet();
        long now = System.nanoTime();
        long last = lastLogged.get();
        if (now - last >= LOG_INTERVAL_NANOS && lastLogged.compareAndSet(last, now)) {
            unlogged.addAndGet(-pauses);
            log.warn("{}: out of file descriptors ({}): accepting paused {} ms ({} pauses since the last line)",
                    label, cause.getMessage(), PAUSE_MILLIS, pauses);
        }
    }

    /** EMFILE or ENFILE, as epoll's native accept and NIO's both word it. */
    static boolean outOfDescriptors(Throwable cause) {
        return cause instanceof IOException && cause.getMessage() != null
                && cause.getMessage().contains("Too many open files");
    }
}
