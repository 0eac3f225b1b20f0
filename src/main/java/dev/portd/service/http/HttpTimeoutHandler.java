package dev.portd.service.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The two clocks of an HTTP connection, first in the service's pipeline so it sees raw bytes.
 * <ul>
 *   <li>keep-alive: with no request arriving and no response being sent, the connection is closed
 *       after {@code keepalive_timeout};</li>
 *   <li>request: a request must arrive whole within {@code request_timeout} of its first byte. The
 *       deadline is fixed when the first byte comes, so a client that trickles a byte at a time
 *       (slowloris) cannot push it back. A request cut off this way is answered 408; an idle
 *       connection is closed without a word.</li>
 * </ul>
 * The request handlers tell it when a request has been read and when its response is sent.
 */
final class HttpTimeoutHandler extends ChannelInboundHandlerAdapter {
    private static final String TIMEOUT_BODY = "408 Request Timeout\n";
    private long keepAliveNanos;      // cut short by drain()
    private final long requestNanos;
    /** The timer never waits longer than the shorter clock, so no new deadline can fall before it. */
    private long stepNanos;
    private ChannelHandlerContext ctx;
    private boolean reading;      // part of a request has arrived
    private int outstanding;      // requests read whose responses are not yet sent
    private ScheduledFuture<?> timer;
    private long deadline;        // System.nanoTime() of the running clock's end; 0: no clock runs

    HttpTimeoutHandler(Duration keepAlive, Duration request) {
        this.keepAliveNanos = keepAlive.toNanos();
        this.requestNanos = request.toNanos();
        this.stepNanos = Math.min(keepAliveNanos, requestNanos);
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
        stop();
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

    /**
     * The host drains: from now on the keep-alive clock is at most {@code quiet}, counted from when
     * the connection became idle; one idle longer already is closed now.
     */
    void drain(Duration quiet) {
        long quietNanos = quiet.toNanos();
        if (quietNanos >= keepAliveNanos) {
            return;
        }
        if (deadline != 0 && !reading && outstanding == 0) {
            deadline -= keepAliveNanos - quietNanos;   // the keep-alive clock runs: it began keepAliveNanos before its end
        }
        keepAliveNanos = quietNanos;
        stepNanos = Math.min(stepNanos, quietNanos);
        if (timer != null) {
            // the scheduled check may lie past the new deadline: check again at most one (shorter) step away
            timer.cancel(false);
            timer = null;
        }
        if (deadline != 0) {
            long left = Math.max(0, deadline - System.nanoTime());
            timer = ctx.executor().schedule(this::expire, Math.min(left, stepNanos), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Sets the deadline. The scheduled task is not moved with it: it stays in the event loop's queue
     * and, when it runs before the deadline, waits again (at most one step). A request then costs a
     * field write, not a schedule and a cancel.
     */
    private void arm(long nanos) {
        deadline = System.nanoTime() + nanos;
        if (timer == null) {
            timer = ctx.executor().schedule(this::expire, Math.min(nanos, stepNanos), TimeUnit.NANOSECONDS);
        }
    }

    private void expire() {
        timer = null;
        if (deadline == 0 || !ctx.channel().isActive()) {
            return;
        }
        long left = deadline - System.nanoTime();
        if (left > 0) {
            timer = ctx.executor().schedule(this::expire, Math.min(left, stepNanos), TimeUnit.NANOSECONDS);
        } else if (reading && outstanding == 0) {
            requestTimedOut();
        } else if (reading || outstanding == 0) {
            ctx.close();   // idle between requests: nothing to answer; behind an answer: no room for one
        }
    }

    /**
     * A request began but did not arrive whole: answer 408 and close (RFC 9110 section 15.5.9), written
     * as bytes because this handler sits before the encoder. Behind an answer still going out, a 408
     * could not keep the order of the answers: the connection is then closed without one.
     */
    private void requestTimedOut() {
        String response = "HTTP/1.1 408 Request Timeout\r\n"
                + "Server: " + HttpExchange.SERVER + "\r\n"
                + "Date: " + HttpDates.now() + "\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + TIMEOUT_BODY.length() + "\r\n"
                + "Connection: close\r\n\r\n" + TIMEOUT_BODY;
        reading = false;
        ctx.writeAndFlush(Unpooled.copiedBuffer(response, StandardCharsets.US_ASCII))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void cancel() {
        deadline = 0;
    }

    private void stop() {
        deadline = 0;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
