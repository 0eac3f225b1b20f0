package dev.portd.service.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In front of the record decoder: a record must end within {@code record_timeout} of its first
 * byte and in at most {@code max_record_fragments} fragments, else the connection is closed and
 * counted. Without it a client sending empty non-final fragments keeps a connection open for ever,
 * since reads keep arriving and the idle timeout never fires.
 *
 * <p>It follows the record marking (RFC 5531 section 11) on the raw bytes without buffering them:
 * four header bytes, then the fragment's length of body. A record that arrives in one read arms no
 * timer; the timer is armed once a read ends inside a record and, when it fires, re-arms itself for
 * the record then in progress if that one is still young.
 */
final class RpcRecordDeadline extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(RpcRecordDeadline.class);

    /** Why a connection was closed. */
    enum Cut { TIMEOUT, FRAGMENTS }

    private final long timeoutNanos;
    private final int maxFragments;
    private final Consumer<Cut> counter;
    private int headerBytes;      // header bytes of the next fragment read so far (0..3)
    private int header;
    private boolean lastFragment;
    private long bodyLeft;        // bytes of the current fragment's body still to come
    private int fragments;        // fragments of the record in progress
    private long recordStart;     // System.nanoTime() at its first byte; 0: between records
    private ScheduledFuture<?> timer;
    private boolean cut;

    RpcRecordDeadline(Duration timeout, int maxFragments, Consumer<Cut> counter) {
        this.timeoutNanos = timeout.toNanos();
        this.maxFragments = maxFragments;
        this.counter = counter;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (cut) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof ByteBuf buf && !follow(buf)) {
            buf.release();
            close(ctx, Cut.FRAGMENTS);
            return;
        }
        if (recordStart != 0 && timer == null) {
            arm(ctx, timeoutNanos - (System.nanoTime() - recordStart));
        }
        ctx.fireChannelRead(msg);
    }

    /** Follows the record marking through these bytes; false when a record has too many fragments. */
    private boolean follow(ByteBuf buf) {
        int i = buf.readerIndex();
        int end = buf.writerIndex();
        while (i < end) {
            if (bodyLeft > 0) {
                int n = (int) Math.min(bodyLeft, end - i);
                i += n;
                bodyLeft -= n;
                if (bodyLeft == 0 && lastFragment) {
                    recordDone();
                }
                continue;
            }
            if (recordStart == 0) {
                recordStart = System.nanoTime() | 1;   // never 0
            }
            header = header << 8 | buf.getUnsignedByte(i++);
            if (++headerBytes < 4) {
                continue;
            }
            headerBytes = 0;
            lastFragment = header < 0;
            bodyLeft = header & 0x7FFF_FFFF;
            if (++fragments > maxFragments) {
                return false;
            }
            if (bodyLeft == 0 && lastFragment) {
                recordDone();
            }
        }
        return true;
    }

    private void recordDone() {
        fragments = 0;
        recordStart = 0;
    }

    private void arm(ChannelHandlerContext ctx, long delayNanos) {
        timer = ctx.executor().schedule(() -> expire(ctx), Math.max(delayNanos, 0), TimeUnit.NANOSECONDS);
    }

    private void expire(ChannelHandlerContext ctx) {
        timer = null;
        if (recordStart == 0 || !ctx.channel().isActive()) {
            return;   // between records: the next read that ends inside one arms the timer again
        }
        long left = timeoutNanos - (System.nanoTime() - recordStart);
        if (left > 0) {
            arm(ctx, left);   // a later record, still young
        } else {
            close(ctx, Cut.TIMEOUT);
        }
    }

    private void close(ChannelHandlerContext ctx, Cut why) {
        cut = true;
        counter.accept(why);
        log.debug("{}: RPC record {}; closing", ctx.channel(), why == Cut.TIMEOUT
                ? "not finished within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"
                : "in more than " + maxFragments + " fragments");
        ctx.close();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
