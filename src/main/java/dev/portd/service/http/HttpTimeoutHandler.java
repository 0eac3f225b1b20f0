package dev.portd.service.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The two clocks of an HTTP connection, first in the service's pipeline so it sees raw bytes.
 * <ul>
 *   <li>keep-alive: with no request arriving and no response being sent, the connection is closed
 *       after {@code keepalive_timeout};</li>
 *   <li>request: a request must arrive whole within {@code request_timeout} of its first byte. The
 *       deadline is fixed when the first byte comes, so a client that trickles a byte at a time
 *       (slowloris) cannot push it back.</li>
 * </ul>
 * The request handlers tell it when a request has been read and when its response is sent.
 */
final class HttpTimeoutHandler extends ChannelInboundHandlerAdapter {
    private final long keepAliveNanos;
    private final long requestNanos;
    private ChannelHandlerContext ctx;
    private boolean reading;      // part of a request has arrived
    private int outstanding;      // requests read whose responses are not yet sent
    private ScheduledFuture<?> timer;

    HttpTimeoutHandler(Duration keepAlive, Duration request) {
        this.keepAliveNanos = keepAlive.toNanos();
        this.requestNanos = request.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        arm(keepAliveNanos);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!reading && msg instanceof ByteBuf buf && buf.isReadable()) {
            reading = true;
            arm(requestNanos);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    /** A whole request has been read (or refused): its clock stops. */
    void requestRead() {
        reading = false;
        outstanding++;
        cancel();
    }

    /** A response has been sent completely: when nothing else is going on, keep-alive starts. */
    void responseSent() {
        outstanding--;
        if (outstanding == 0 && !reading && ctx.channel().isActive()) {
            arm(keepAliveNanos);
        }
    }

    private void arm(long nanos) {
        cancel();
        timer = ctx.executor().schedule(this::expire, nanos, TimeUnit.NANOSECONDS);
    }

    private void expire() {
        timer = null;
        if (reading || outstanding == 0) {
            ctx.close();
        }
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
