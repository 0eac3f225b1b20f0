package dev.portd.service.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.buffer.Unpooled;
import dev.portd.service.HostEvent;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the requests of one connection in the order they came (RFC 9112 section 9.3.2), one at a
 * time: while a route waits on blocking work the requests behind it queue. The next request is
 * taken only when the previous answer has been handed to the channel, and reading and decoding
 * stop once {@link #MAX_WAITING} requests wait, so a client that pipelines without reading our
 * responses cannot make us buffer without bound, and one that pipelines a thousand requests in one
 * send gets a thousand answers.
 */
final class HttpExchangeHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(HttpExchangeHandler.class);
    /**
     * Pipelined requests held behind the one being answered; past this, reading stops until the
     * queue drains. Reading is otherwise never paused: with Netty 4.2.18's epoll a paused,
     * half-closed connection loses its registration and cannot finish a large response.
     */
    static final int MAX_WAITING = 64;
    /**
     * How long a kept-alive connection may sit idle once the host drains, if its keepalive_timeout
     * is not shorter already (see {@link #userEventTriggered} for why idle connections are not closed
     * at once). A client that goes on using its connection sends the next request within
     * milliseconds of an answer, far less than this even on a loaded machine; and it is well inside
     * the default 5 s host.grace, so an old process whose last clients are idle exits a second after
     * an upgrade.
     */
    static final Duration DRAIN_QUIET = Duration.ofSeconds(1);

    private final HttpRoute route;
    private final HttpTimeoutHandler timeouts;
    private final HttpAccessLog accessLog;
    private final HttpPacedDecoder decoder;
    private final HttpServerEncoder encoder;
    private final ArrayDeque<HttpCall> waiting = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private HttpExchange active;      // asked of the route, not yet answered
    private HttpExchange closer;      // the answer after which the connection closes
    private boolean inRead;           // inside a read batch: flush once at its end
    private boolean draining;
    private boolean stopping;         // the host drains: the next answer begun says Connection: close
    private int unsent;               // exchanges begun whose answers have not left yet
    private boolean inputClosed;      // the client half-closed: answer what came, then close
    private boolean streaming;        // the last answer is an endless event stream

    HttpExchangeHandler(HttpRoute route, HttpTimeoutHandler timeouts, HttpAccessLog accessLog, HttpPacedDecoder decoder,
            HttpServerEncoder encoder) {
        this.encoder = encoder;
        this.route = route;
        this.decoder = decoder;
        this.timeouts = timeouts;
        this.accessLog = accessLog;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HttpCall call)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        inRead = true;
        if (closer == null) {
            waiting.add(call);
            drain();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        inRead = false;
        ctx.flush();
        updateReading();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        updateReading();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        waiting.clear();
        ctx.fireChannelInactive();
    }

    /**
     * A client that half-closes after its requests (as {@code nc -N} or a shell's
     * {@code printf ... | nc} do) still gets every answer: the connection closes when they are out,
     * not at once as the host's tail would.
     * <p>
     * When the host drains (an upgrade hands the listening sockets to a new process, a reload removes
     * the service, or portd stops), a kept-alive connection must end without losing a request. The
     * server cannot see a request the client has already sent and that is still on its way: closing a
     * connection that looks idle races it, and the client reads a reset or an end of stream instead of
     * an answer. nginx closes idle keep-alive connections at once on a graceful stop and HAProxy has
     * done so since 2.4 (its {@code idle-close-on-response} option restores the older way); both lose
     * requests so under wrk. portd does it the older way, which loses none:
     * <ul>
     *   <li>the next answer begun, to a request in flight or to the next one that arrives, says
     *       {@code Connection: close}, and the connection closes once it is sent (RFC 9112 section 9.6):
     *       the client knows not to send more and reconnects, reaching the new process;</li>
     *   <li>an idle connection is kept for that next request, but its keep-alive clock is cut to
     *       {@link #DRAIN_QUIET}: one idle that long is closed, as keepalive_timeout would close it at
     *       any other time (a client must retry then anyway, RFC 9112 section 9.3.1), and the old process
     *       need not wait out host.grace for a browser's idle pool;</li>
     *   <li>what is left at the end of host.grace the host closes.</li>
     * </ul>
     * Closing only the write side of an idle connection would not help: the client's request would
     * still arrive at a socket that can no longer answer it.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputClosed = true;
            closeIfDone();
            return;
        }
        if (evt == HostEvent.STOPPING) {
            if (streaming) {
                // an event stream has no next request to carry Connection: close: end it now
                ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
            } else {
                stopping = true;
                timeouts.drain(DRAIN_QUIET);
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void closeIfDone() {
        if (inputClosed && unsent == 0 && waiting.isEmpty() && ctx.channel().isActive()) {
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void drain() {
        if (draining) {
            return;
        }
        draining = true;
        try {
            HttpCall call;
            while (active == null && closer == null && (call = waiting.poll()) != null) {
                HttpExchange exchange = new HttpExchange(this, call);
                active = exchange;
                unsent++;
                if (call.rejection() != null) {
                    exchange.send(HttpExchange.error(call.rejection()));
                } else {
                    ask(exchange);
                }
            }
        } finally {
            draining = false;
        }
        updateReading();
    }

    private void ask(HttpExchange exchange) {
        try {
            route.handle(exchange);
        } catch (RuntimeException e) {
            log.error("{} {}: route failed", ctx.channel(), exchange.request().uri(), e);
            if (active == exchange) {
                exchange.send(HttpExchange.error(HttpResponseStatus.INTERNAL_SERVER_ERROR));
            }
        }
    }

    private void updateReading() {
        if (inputClosed || !ctx.channel().isActive()) {
            return;   // nothing more to read; asking epoll for it would fail
        }
        boolean read = waiting.size() < MAX_WAITING;
        boolean shut = ctx.channel() instanceof DuplexChannel d && d.isInputShutdown();
        if (!shut && ctx.channel().config().isAutoRead() != read) {
            // after a half-close the socket has nothing more to read (the decoder still has bytes)
            ctx.channel().config().setAutoRead(read);
        }
        decoder.pause(!read);
    }

    // ---- called by HttpExchange, on the event loop ----

    Channel channel() {
        return ctx.channel();
    }

    /** The answer about to begin is the connection's last: a stream ended it, or the host drains. */
    boolean closing() {
        return closer != null || stopping;
    }

    void closeAfterThis() {
        closer = active;
        waiting.clear();
    }

    /** The current answer is an event stream, which only the client or the host's stop ends. */
    void streamStarted() {
        streaming = true;
    }

    /** The response about to be written answers HEAD: the encoder sends no body for it. */
    void answersHead(boolean head) {
        encoder.answersHead(head);
    }

    ChannelFuture write(Object msg, boolean future) {
        return future ? ctx.write(msg) : ctx.write(msg, ctx.voidPromise());
    }

    void flush() {
        ctx.flush();
    }

    /** The exchange has written its answer: the next request may go. */
    void answered(HttpExchange exchange) {
        if (active == exchange) {
            active = null;
        }
        if (!inRead) {
            ctx.flush();
        }
        if (!draining) {
            drain();
        }
    }

    /** The exchange's answer has left (or failed): log it, start keep-alive, or close. */
    void sent(HttpExchange exchange, boolean success) {
        unsent--;
        timeouts.responseSent();
        if (accessLog != null) {
            accessLog.log(ctx.channel(), exchange);
        }
        if (!success || exchange == closer) {
            ctx.close();
        } else {
            closeIfDone();
        }
    }
}
